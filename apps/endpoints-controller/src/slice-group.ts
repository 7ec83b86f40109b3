// A set of endpoints sharing one port mapping and address type: the unit that is split
// into EndpointSlices of at most 100 endpoints.
import { canonicalJson, type Endpoint, type EndpointSlice, type EndpointSlicePort } from '@svcnet/api-types';
import { familyName } from '@svcnet/ipnet';

export interface SliceGroup {
  addressType: EndpointSlice['addressType'];
  ports: EndpointSlicePort[];
  endpoints: Endpoint[];
}

export function addressTypeOf(ip: string): EndpointSlice['addressType'] {
  return familyName(ip);
}

export function groupKey(addressType: string, ports: EndpointSlicePort[] | undefined): string {
  return `${addressType}|${canonicalJson(ports ?? [])}`;
}

/** Identity of an endpoint across syncs: its pod (uid) or else its first address. */
export function endpointKey(e: Endpoint): string {
  return e.targetRef?.uid ? `uid:${e.targetRef.uid}` : `ip:${e.addresses[0]}`;
}

export function addToGroup(groups: Map<string, SliceGroup>, addressType: SliceGroup['addressType'], ports: EndpointSlicePort[], ep: Endpoint): void {
  const key = groupKey(addressType, ports);
  let g = groups.get(key);
  if (!g) groups.set(key, (g = { addressType, ports, endpoints: [] }));
  g.endpoints.push(ep);
}
