// Decisions about Services and EndpointSlices that several components make: written once here
// so the apiserver, the controllers, the proxy, DNS, the kubelet and the cloud LB agree.
import type { ServiceSpec } from './core';
import type { Endpoint } from './discovery';

type ServiceLike = { spec?: ServiceSpec };

/**
 * A headless Service: clusterIP "None" (no virtual IP; DNS answers with the endpoints).
 * Before defaulting only one of clusterIP / clusterIPs may be set; either spelling counts.
 */
export function isHeadless(svc: ServiceLike): boolean {
  const ips = svc.spec?.clusterIPs;
  return (ips?.length === 1 && ips[0] === 'None') || (!ips?.length && svc.spec?.clusterIP === 'None');
}

/** The Service's first cluster IP, when it has a real one (not headless, not ExternalName, allocated). */
export function primaryClusterIP(svc: ServiceLike): string | undefined {
  const spec = svc.spec;
  if (!spec || spec.type === 'ExternalName') return undefined;
  const ip = spec.clusterIP ?? spec.clusterIPs?.[0];
  return ip && ip !== 'None' ? ip : undefined;
}

/** The real cluster IPs (clusterIPs, or the older clusterIP), without "None". */
export function clusterIPsOf(svc: ServiceLike): string[] {
  const spec = svc.spec ?? {};
  return (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip && ip !== 'None');
}

/** type LoadBalancer with externalTrafficPolicy Local: the apiserver allocates spec.healthCheckNodePort. */
export function needsHealthCheckNodePort(svc: ServiceLike): boolean {
  return svc.spec?.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';
}

/** NodePort, or LoadBalancer unless allocateLoadBalancerNodePorts is false: the ports get nodePorts. */
export function needsNodePorts(svc: ServiceLike): boolean {
  const t = svc.spec?.type;
  return t === 'NodePort' || (t === 'LoadBalancer' && svc.spec?.allocateLoadBalancerNodePorts !== false);
}

export interface EndpointState {
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** An endpoint's conditions with the API's defaults: nil ready = ready, nil serving = ready, nil terminating = false. */
export function endpointState(ep: Pick<Endpoint, 'conditions'>): EndpointState {
  const c = ep.conditions ?? {};
  const ready = c.ready ?? true;
  return { ready, serving: c.serving ?? ready, terminating: c.terminating ?? false };
}

/**
 * One copy per key of endpoints gathered from several slices (the same endpoint may briefly
 * appear in two while it moves), preferring a ready copy; first-seen order is kept.
 */
export function dedupeEndpoints<T extends { ready: boolean }>(items: Iterable<T>, keyOf: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = keyOf(item);
    const prev = byKey.get(k);
    if (!prev || (!prev.ready && item.ready)) byKey.set(k, item);
  }
  return [...byKey.values()];
}
