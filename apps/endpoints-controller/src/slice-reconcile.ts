// Pure reconcile of desired slice groups against the slices that exist: endpoints stay in
// the slice they are in, new ones fill free room before new slices are made, and a slice
// is written only when its content changes. A slice no longer needed is reused (one
// update) before a new one would be created, so a selector change is a single write.
import { canonicalJson, type Endpoint, type EndpointSlice, type OwnerReference } from '@svcnet/api-types';
import { compareIP } from '@svcnet/ipnet';
import { MAX_ENDPOINTS_PER_SLICE, sliceName } from './names';
import { endpointKey, groupKey, type SliceGroup } from './slice-group';

export interface SliceOwner {
  namespace: string;
  serviceName: string;
  labels: Record<string, string>;
  ownerReferences: OwnerReference[];
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

const byAddress = (a: Endpoint, b: Endpoint) => compareIP(a.addresses[0] ?? '', b.addresses[0] ?? '');

function content(s: Pick<EndpointSlice, 'addressType' | 'ports' | 'endpoints' | 'metadata'>): string {
  return canonicalJson({
    addressType: s.addressType,
    ports: s.ports ?? [],
    endpoints: [...(s.endpoints ?? [])].sort(byAddress),
    labels: s.metadata.labels ?? {},
    ownerReferences: s.metadata.ownerReferences ?? [],
  });
}

export function reconcileSlices(groups: SliceGroup[], existing: EndpointSlice[], owner: SliceOwner, max = MAX_ENDPOINTS_PER_SLICE): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  // Kubernetes keeps one empty "placeholder" slice for a Service without endpoints.
  const wanted = groups.filter((g) => g.endpoints.length > 0);
  if (wanted.length === 0) wanted.push({ addressType: 'IPv4', ports: [], endpoints: [] });
  const wantedKeys = new Set(wanted.map((g) => groupKey(g.addressType, g.ports)));
  const sorted = [...existing].sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
  const spare = sorted.filter((s) => !wantedKeys.has(groupKey(s.addressType, s.ports)));
  const results: { slice: EndpointSlice; original?: EndpointSlice }[] = [];

  for (const g of wanted) {
    const key = groupKey(g.addressType, g.ports);
    const desired = new Map(g.endpoints.map((e) => [endpointKey(e), e]));
    const mine = sorted.filter((s) => groupKey(s.addressType, s.ports) === key);
    const slots = mine.map((s) => ({
      original: s as EndpointSlice | undefined,
      endpoints: (s.endpoints ?? []).filter((e) => desired.has(endpointKey(e))).map((e) => desired.get(endpointKey(e))!),
    }));
    for (const s of slots) for (const e of s.endpoints) desired.delete(endpointKey(e));
    const rest = [...desired.values()].sort(byAddress);
    for (const s of slots) while (s.endpoints.length < max && rest.length) s.endpoints.push(rest.shift()!);
    while (rest.length) slots.push({ original: spare.shift(), endpoints: rest.splice(0, max) });
    if (slots.length === 0) slots.push({ original: spare.shift(), endpoints: [] });
    let kept = 0;
    for (const s of slots) {
      // An emptied slice goes away, unless the group needs it as its one (placeholder) slice.
      if (s.endpoints.length === 0 && (g.endpoints.length > 0 || kept > 0)) {
        if (s.original) plan.delete.push(s.original);
        continue;
      }
      kept++;
      const base: EndpointSlice = s.original ?? {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: sliceName(owner.serviceName), namespace: owner.namespace },
        addressType: g.addressType,
        endpoints: [],
      };
      const slice: EndpointSlice = {
        ...base,
        metadata: { ...base.metadata, labels: owner.labels, ownerReferences: owner.ownerReferences },
        addressType: g.addressType,
        ports: g.ports,
        endpoints: s.endpoints.sort(byAddress),
      };
      results.push({ slice, original: s.original });
    }
  }
  for (const s of spare) plan.delete.push(s);
  for (const r of results) {
    if (!r.original) plan.create.push(r.slice);
    else if (content(r.original) !== content(r.slice)) plan.update.push(r.slice);
  }
  return plan;
}
