// What Kubernetes does to a Service update before validating it: values the apiserver
// allocated are kept when the client leaves them out (kubectl replace/apply send no
// clusterIP or nodePort), and fields that only belong to the old type are dropped when
// the type changes (NodePort -> ClusterIP drops nodePorts, -> ExternalName drops the IPs).
import { needsHealthCheckNodePort, type Service } from '@svcnet/api-types';

const portKey = (p: { protocol?: string; port: number }) => `${p.protocol ?? 'TCP'}/${p.port}`;

function externallyAccessible(s: Service): boolean {
  const t = s.spec.type;
  return t === 'NodePort' || t === 'LoadBalancer' || (s.spec.externalIPs?.length ?? 0) > 0;
}

export function prepareServiceUpdate(next: Service, old: Service): void {
  next.spec ??= {};
  const oldPorts = new Map((old.spec.ports ?? []).map((p) => [portKey(p), p.nodePort]));
  const type = next.spec.type ?? 'ClusterIP';

  // Keep allocated values the client did not send.
  if (type !== 'ExternalName' && old.spec.type !== 'ExternalName') {
    if (!next.spec.clusterIP && old.spec.clusterIP) next.spec.clusterIP = old.spec.clusterIP;
    if (!next.spec.clusterIPs?.length && old.spec.clusterIPs?.length && next.spec.clusterIP === old.spec.clusterIP) next.spec.clusterIPs = [...old.spec.clusterIPs];
    if (!next.spec.ipFamilies && old.spec.ipFamilies) next.spec.ipFamilies = [...old.spec.ipFamilies];
    if (!next.spec.ipFamilyPolicy && old.spec.ipFamilyPolicy) next.spec.ipFamilyPolicy = old.spec.ipFamilyPolicy;
  }
  if (type === 'NodePort' || type === 'LoadBalancer') {
    for (const p of next.spec.ports ?? []) {
      if (!p.nodePort) {
        const prev = oldPorts.get(portKey(p));
        if (prev) p.nodePort = prev;
      }
    }
    if (type === 'LoadBalancer' && !next.spec.healthCheckNodePort && old.spec.healthCheckNodePort && next.spec.externalTrafficPolicy !== 'Cluster') {
      next.spec.healthCheckNodePort = old.spec.healthCheckNodePort;
    }
  }

  // Drop what belonged to the old type only (unchanged from the old object).
  if (type === 'ClusterIP' || type === 'ExternalName') {
    for (const p of next.spec.ports ?? []) {
      if (p.nodePort && p.nodePort === oldPorts.get(portKey(p))) delete p.nodePort;
    }
  }
  if (type !== 'LoadBalancer') {
    if (next.spec.allocateLoadBalancerNodePorts === old.spec.allocateLoadBalancerNodePorts) delete next.spec.allocateLoadBalancerNodePorts;
    if (next.spec.loadBalancerClass === old.spec.loadBalancerClass) delete next.spec.loadBalancerClass;
  }
  if (next.spec.healthCheckNodePort && !needsHealthCheckNodePort(next) && next.spec.healthCheckNodePort === old.spec.healthCheckNodePort) {
    delete next.spec.healthCheckNodePort;
  }
  if (!externallyAccessible(next) && next.spec.externalTrafficPolicy === old.spec.externalTrafficPolicy) delete next.spec.externalTrafficPolicy;
  if (type === 'ExternalName' && old.spec.type !== 'ExternalName') {
    if (next.spec.clusterIP === old.spec.clusterIP) delete next.spec.clusterIP;
    if (JSON.stringify(next.spec.clusterIPs) === JSON.stringify(old.spec.clusterIPs)) delete next.spec.clusterIPs;
    if (JSON.stringify(next.spec.ipFamilies) === JSON.stringify(old.spec.ipFamilies)) delete next.spec.ipFamilies;
    if (next.spec.ipFamilyPolicy === old.spec.ipFamilyPolicy) delete next.spec.ipFamilyPolicy;
    if (next.spec.internalTrafficPolicy === old.spec.internalTrafficPolicy) delete next.spec.internalTrafficPolicy;
  }
}
