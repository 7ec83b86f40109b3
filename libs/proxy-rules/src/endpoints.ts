// Endpoints of a service port, from its EndpointSlices: the target port is resolved per slice
// (a named targetPort may map to different numbers on different pods), duplicates across
// slices are merged, and the usable set is picked as kube-proxy does: ready endpoints, or,
// when none are ready, serving+terminating ones (so rolling updates drain gracefully).
import { LABEL_SERVICE_NAME, dedupeEndpoints, endpointState, type EndpointSlice } from '@svcnet/api-types';
import { compareIP, isIPv4 } from '@svcnet/ipnet';
import type { ServicePortInfo } from './service-ports';

export interface EndpointInfo {
  ip: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export function slicesByService(slices: EndpointSlice[]): Map<string, EndpointSlice[]> {
  const m = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
    if (!svc || s.addressType !== 'IPv4') continue;
    const key = `${s.metadata.namespace ?? 'default'}/${svc}`;
    const list = m.get(key) ?? [];
    list.push(s);
    m.set(key, list);
  }
  return m;
}

export function endpointsFor(sp: ServicePortInfo, slices: EndpointSlice[]): EndpointInfo[] {
  const all: EndpointInfo[] = [];
  for (const slice of slices) {
    const sp2 = (slice.ports ?? []).find(
      (p) => (p.name ?? '') === sp.portName && (p.protocol ?? 'TCP').toLowerCase() === sp.protocol,
    );
    if (!sp2 || !Number.isInteger(sp2.port) || sp2.port! < 1 || sp2.port! > 65535) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!isIPv4(ip)) continue;
      all.push({ ip, port: sp2.port!, nodeName: ep.nodeName, ...endpointState(ep) });
    }
  }
  return dedupeEndpoints(all, (e) => `${e.ip}:${e.port}`).sort((a, b) => compareIP(a.ip, b.ip) || a.port - b.port);
}

export function usable(endpoints: EndpointInfo[]): EndpointInfo[] {
  const ready = endpoints.filter((e) => e.ready);
  if (ready.length > 0) return ready;
  return endpoints.filter((e) => e.serving && e.terminating);
}
