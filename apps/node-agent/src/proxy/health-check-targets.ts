// Which health-check ports this node serves and what they answer. A LoadBalancer Service with
// externalTrafficPolicy Local gets spec.healthCheckNodePort; the cloud LB probes it on every
// node and sends traffic only to nodes with local endpoints (kube-proxy's service health server).
import { endpointState, needsHealthCheckNodePort, type EndpointSlice, type Service } from '@svcnet/api-types';
import { slicesByService } from '@svcnet/proxy-rules';

export interface HealthCheckTarget {
  port: number;
  namespace: string;
  name: string;
  localEndpoints: number;
}

export function healthCheckTargets(services: Service[], slices: EndpointSlice[], nodeName: string): HealthCheckTarget[] {
  const byService = slicesByService(slices);
  const out = new Map<number, HealthCheckTarget>();
  for (const svc of services) {
    const spec = svc.spec ?? {};
    const port = spec.healthCheckNodePort;
    if (!needsHealthCheckNodePort(svc)) continue;
    if (!Number.isInteger(port) || port! < 1 || port! > 65535) continue;
    const namespace = svc.metadata.namespace ?? 'default';
    const name = svc.metadata.name ?? '';
    // Two Services cannot share an allocated port; if they claim one anyway the first wins.
    if (out.has(port!)) continue;
    out.set(port!, { port: port!, namespace, name, localEndpoints: localReadyEndpoints(byService.get(`${namespace}/${name}`) ?? [], nodeName) });
  }
  return [...out.values()].sort((a, b) => a.port - b.port);
}

// Distinct ready endpoint addresses on this node, over all the Service's slices.
function localReadyEndpoints(slices: EndpointSlice[], nodeName: string): number {
  const ips = new Set<string>();
  for (const s of slices) {
    for (const ep of s.endpoints ?? []) {
      if (ep.nodeName !== nodeName || !endpointState(ep).ready) continue;
      const ip = ep.addresses?.[0];
      if (ip) ips.add(ip);
    }
  }
  return ips.size;
}

// The answer kube-proxy gives: 200 with local endpoints, 503 without.
export function healthCheckResponse(t: HealthCheckTarget): { status: number; body: string } {
  return {
    status: t.localEndpoints > 0 ? 200 : 503,
    body: JSON.stringify({ service: { namespace: t.namespace, name: t.name }, localEndpoints: t.localEndpoints, serviceProxyHealthy: true }),
  };
}
