// Service defaulting (SetDefaults_Service plus the registry's clusterIP/clusterIPs sync),
// applied to a copy before validation.
import type { Service, ServiceSpec } from '@svcnet/api-types';
import { familyName } from '@svcnet/ipnet';

export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

/** NodePort, LoadBalancer, or ClusterIP with externalIPs (Kubernetes' ExternallyAccessible). */
export function isExternallyAccessible(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0);
}

export function defaultService(svc: Service): Service {
  const out: Service = structuredClone(svc);
  const spec: ServiceSpec = (out.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= DEFAULT_CLIENT_IP_TIMEOUT_SECONDS;
  }
  for (const port of spec.ports ?? []) {
    port.protocol ??= 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (isExternallyAccessible(spec)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ??= 'Cluster';
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
    spec.ipFamilies ??= [familyName(spec.clusterIPs?.[0] ?? '')];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  return out;
}

/**
 * On update, a changed clusterIP with an untouched clusterIPs means the user edited clusterIP;
 * carry it into clusterIPs so validation reports the change (the registry's normalizeClusterIPs).
 */
export function normalizeClusterIPs(next: Service, old: Service): Service {
  const out: Service = structuredClone(next);
  const n = out.spec;
  const o = old.spec ?? {};
  if (!n || n.type === 'ExternalName') return out;
  const ipsUnchanged = JSON.stringify(n.clusterIPs ?? []) === JSON.stringify(o.clusterIPs ?? []);
  if (n.clusterIP !== o.clusterIP && ipsUnchanged) {
    n.clusterIPs = n.clusterIP ? [n.clusterIP] : undefined;
  }
  return out;
}
