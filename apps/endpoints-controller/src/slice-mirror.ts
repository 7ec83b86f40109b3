// Pure mirroring of a user's Endpoints (Service without selector) into slice groups
// (Kubernetes' endpointslicemirroring controller).
import type { EndpointAddress, Endpoints, EndpointSlicePort } from '@svcnet/api-types';
import { addToGroup, addressTypeOf, type SliceGroup } from './slice-group';

export function mirroredSliceGroups(ep: Endpoints): SliceGroup[] {
  const groups = new Map<string, SliceGroup>();
  for (const subset of ep.subsets ?? []) {
    const ports: EndpointSlicePort[] = (subset.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    const add = (a: EndpointAddress, ready: boolean) =>
      addToGroup(groups, addressTypeOf(a.ip), ports, {
        addresses: [a.ip],
        conditions: { ready },
        ...(a.hostname ? { hostname: a.hostname } : {}),
        ...(a.nodeName ? { nodeName: a.nodeName } : {}),
        ...(a.targetRef ? { targetRef: a.targetRef } : {}),
      });
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
  }
  return [...groups.values()];
}
