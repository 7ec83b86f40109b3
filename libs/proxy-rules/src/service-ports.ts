// servicePorts turns Services into the per-port facts the rules need, with Kubernetes'
// defaults applied, and leaves out what kube-proxy leaves out: headless and ExternalName
// Services, and Services that belong to another proxy (service-proxy-name label).
import { primaryClusterIP, type Service, type ServicePort } from '@svcnet/api-types';
import { isIPv4, parseCIDR } from '@svcnet/ipnet';
import type { L4Protocol } from '@svcnet/nftables';
import { DEFAULT_AFFINITY_TIMEOUT_SECONDS, SERVICE_PROXY_NAME_LABEL } from './proxy-state';

export interface ServicePortInfo {
  namespace: string;
  serviceName: string;
  // "ns/name:portName" (portName may be empty), as kube-proxy logs it.
  servicePortName: string;
  portName: string;
  protocol: L4Protocol;
  port: number;
  clusterIP?: string;
  externalIPs: string[];
  loadBalancerIPs: string[];
  // spec.loadBalancerSourceRanges (valid IPv4 CIDRs); enforced on the LB ingress IPs only.
  loadBalancerSourceRanges: string[];
  nodePort?: number;
  affinityTimeoutSeconds?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
}

export function servicePorts(svc: Service): ServicePortInfo[] {
  const spec = svc.spec ?? {};
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name ?? '';
  if (!name) return [];
  if (svc.metadata.labels?.[SERVICE_PROXY_NAME_LABEL] !== undefined) return [];
  const type = spec.type ?? 'ClusterIP';
  // ExternalName and headless: no virtual IP, DNS only.
  const clusterIP = primaryClusterIP(svc);
  if (!clusterIP) return [];
  const externalIPs = (spec.externalIPs ?? []).filter(isIPv4);
  const loadBalancerIPs =
    type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter(isIPv4) : [];
  const loadBalancerSourceRanges = (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter((r) => parseCIDR(r) !== null);
  const affinity =
    spec.sessionAffinity === 'ClientIP' ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS : undefined;
  return (spec.ports ?? []).flatMap((p: ServicePort): ServicePortInfo[] => {
    const protocol = (p.protocol ?? 'TCP').toLowerCase();
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') return [];
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) return [];
    const portName = p.name ?? '';
    const hasNodePort = (type === 'NodePort' || type === 'LoadBalancer') && Number.isInteger(p.nodePort) && p.nodePort! > 0;
    return [
      {
        namespace,
        serviceName: name,
        servicePortName: `${namespace}/${name}:${portName}`,
        portName,
        protocol,
        port: p.port,
        clusterIP: isIPv4(clusterIP) ? clusterIP : undefined,
        externalIPs,
        loadBalancerIPs,
        loadBalancerSourceRanges,
        nodePort: hasNodePort ? p.nodePort : undefined,
        affinityTimeoutSeconds: affinity,
        externalPolicyLocal: spec.externalTrafficPolicy === 'Local',
        internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      },
    ];
  });
}

// Whether the port is reachable from outside the cluster (the external traffic policy applies).
export function hasExternalDestinations(sp: ServicePortInfo): boolean {
  return sp.nodePort !== undefined || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
}
