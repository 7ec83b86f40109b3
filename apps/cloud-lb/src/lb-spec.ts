// What the data path should do for one Service: the desired state the controller computes
// from the apiserver's objects and the data path applies. Plain JSON, so it can cross a
// process boundary to a data path running in another network namespace.
import { needsHealthCheckNodePort, type Node, type Service } from '@svcnet/api-types';
import { sourceRangesOf } from './source-ranges';

export const LB_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';
// Nodes with this label never get LB traffic, as with Kubernetes' service controller.
export const EXCLUDE_NODE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export interface LbPort {
  name?: string;
  protocol: 'TCP' | 'UDP';
  port: number;
  nodePort: number;
}

export interface LbBackend {
  node: string;
  ip: string;
}

/** how a node is probed: TCP connect to a nodePort, or GET /healthz on healthCheckNodePort */
export type HealthCheck = { kind: 'tcp'; port: number } | { kind: 'http'; port: number; path: string } | { kind: 'none' };

export interface LbSpec {
  /** "namespace/name" of the Service */
  service: string;
  ip: string;
  ports: LbPort[];
  backends: LbBackend[];
  healthCheck: HealthCheck;
  sourceRanges: string[];
  externalTrafficPolicy: 'Cluster' | 'Local';
}

export const serviceKey = (s: Service): string => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;

/** ours: type LoadBalancer and no loadBalancerClass (a foreign class belongs to another LB) */
export function isOurLoadBalancer(s: Service): boolean {
  return s.spec.type === 'LoadBalancer' && !s.spec.loadBalancerClass;
}

export function wantsLoadBalancer(s: Service): boolean {
  return isOurLoadBalancer(s) && !s.metadata.deletionTimestamp;
}

export function nodeInternalIP(n: Node): string | undefined {
  return n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** a node is a backend unless excluded, NotReady, or without an InternalIP */
export function eligibleNodes(nodes: Node[]): LbBackend[] {
  const out: LbBackend[] = [];
  for (const n of nodes) {
    if (n.metadata.labels?.[EXCLUDE_NODE_LABEL] !== undefined) continue;
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready && ready.status === 'False') continue;
    const ip = nodeInternalIP(n);
    if (ip) out.push({ node: n.metadata.name!, ip });
  }
  return out.sort((a, b) => a.node.localeCompare(b.node));
}

/** ports the LB can serve: TCP/UDP with a nodePort (SCTP and ports without one are left out) */
export function servablePorts(s: Service): { ports: LbPort[]; skipped: string[] } {
  const ports: LbPort[] = [];
  const skipped: string[] = [];
  for (const p of s.spec.ports ?? []) {
    const proto = p.protocol ?? 'TCP';
    const label = `${p.name ?? p.port}/${proto}`;
    if (proto !== 'TCP' && proto !== 'UDP') skipped.push(`${label}: protocol not supported`);
    else if (!p.nodePort) skipped.push(`${label}: no nodePort`);
    else ports.push({ name: p.name, protocol: proto, port: p.port, nodePort: p.nodePort });
  }
  return { ports, skipped };
}

/**
 * Health check choice, like cloud LBs in front of kube-proxy: with externalTrafficPolicy
 * Local the node-agent's healthCheckNodePort says whether the node has local endpoints;
 * otherwise any node can forward, so a TCP connect to the first TCP nodePort tells whether
 * the node is up. A UDP-only Cluster Service has nothing to connect to: no check.
 */
export function healthCheckFor(s: Service, ports: LbPort[]): HealthCheck {
  if (needsHealthCheckNodePort(s) && s.spec.healthCheckNodePort) return { kind: 'http', port: s.spec.healthCheckNodePort, path: '/healthz' };
  const tcp = ports.find((p) => p.protocol === 'TCP');
  return tcp ? { kind: 'tcp', port: tcp.nodePort } : { kind: 'none' };
}

export function buildLbSpec(s: Service, ip: string, nodes: Node[]): LbSpec {
  const { ports } = servablePorts(s);
  return {
    service: serviceKey(s),
    ip,
    ports,
    backends: eligibleNodes(nodes),
    healthCheck: healthCheckFor(s, ports),
    sourceRanges: sourceRangesOf(s),
    externalTrafficPolicy: s.spec.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
  };
}
