// Pure Endpoints building (Kubernetes' endpoints controller): one address per pod,
// subsets grouped by the pod's resolved port set, ready pods in `addresses`, the rest in
// `notReadyAddresses`.
import { canonicalJson, isHeadless, type EndpointAddress, type EndpointPort, type EndpointSubset, type Endpoints, type Node, type Pod, type Service } from '@svcnet/api-types';
import { compareIP } from '@svcnet/ipnet';
import { LABEL_HEADLESS, LABEL_SKIP_MIRROR } from './names';
import { endpointHostname, podEndpointState, serviceSelects } from './pod-endpoint-state';
import { resolveTargetPort } from './target-port';

function compareAddress(a: EndpointAddress, b: EndpointAddress): number {
  return compareIP(a.ip, b.ip) || String(a.targetRef?.name ?? '').localeCompare(String(b.targetRef?.name ?? ''));
}

export function buildSubsets(svc: Service, pods: Pod[], nodeOf: (name: string) => Node | undefined): EndpointSubset[] {
  const publish = !!svc.spec.publishNotReadyAddresses;
  const servicePorts = svc.spec.ports ?? [];
  const headless = isHeadless(svc);
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (!serviceSelects(svc, pod)) continue;
    const st = podEndpointState(pod, nodeOf);
    if (!st) continue;
    const ports: EndpointPort[] = [];
    for (const sp of servicePorts) {
      const port = resolveTargetPort(sp, pod);
      if (port === undefined) continue;
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    // A pod none of whose ports resolve is no endpoint, except for a port-less headless Service.
    if (ports.length === 0 && !(servicePorts.length === 0 && headless)) continue;
    const hostname = endpointHostname(svc, pod);
    const addr: EndpointAddress = {
      ip: st.ip,
      ...(hostname ? { hostname } : {}),
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    const key = canonicalJson(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    if (publish || (st.podReady && !st.terminating)) g.ready.push(addr);
    else g.notReady.push(addr);
  }
  const subsets: EndpointSubset[] = [];
  for (const [, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const s: EndpointSubset = {};
    if (g.ready.length) s.addresses = g.ready.sort(compareAddress);
    if (g.notReady.length) s.notReadyAddresses = g.notReady.sort(compareAddress);
    if (g.ports.length) s.ports = g.ports;
    subsets.push(s);
  }
  return subsets;
}

/** Kubernetes caps an Endpoints object at 1000 addresses; EndpointSlices carry the rest. */
export const MAX_ENDPOINTS_ADDRESSES = 1000;
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

/** Keeps at most `max` addresses, ready ones first; true when something was cut. */
export function truncateSubsets(subsets: EndpointSubset[], max = MAX_ENDPOINTS_ADDRESSES): { subsets: EndpointSubset[]; truncated: boolean } {
  const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  if (total <= max) return { subsets, truncated: false };
  let budget = max;
  const take = (xs: EndpointAddress[] | undefined) => {
    const kept = (xs ?? []).slice(0, Math.max(budget, 0));
    budget -= kept.length;
    return kept.length ? kept : undefined;
  };
  const ready = subsets.map((s) => take(s.addresses));
  const notReady = subsets.map((s) => take(s.notReadyAddresses));
  const out = subsets
    .map((s, i) => ({ ...(ready[i] ? { addresses: ready[i] } : {}), ...(notReady[i] ? { notReadyAddresses: notReady[i] } : {}), ...(s.ports ? { ports: s.ports } : {}) }))
    .filter((s) => s.addresses || s.notReadyAddresses);
  return { subsets: out, truncated: true };
}

/** Labels of a controller-managed Endpoints: the Service's, plus skip-mirror and headless. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}), [LABEL_SKIP_MIRROR]: 'true' };
  if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  return labels;
}

/** The Endpoints object the Service should have. */
export function desiredEndpoints(svc: Service, pods: Pod[], nodeOf: (name: string) => Node | undefined): Endpoints {
  const { subsets, truncated } = truncateSubsets(buildSubsets(svc, pods, nodeOf));
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      labels: endpointsLabels(svc),
      ...(truncated ? { annotations: { [ANNOTATION_OVER_CAPACITY]: 'truncated' } } : {}),
    },
    subsets,
  };
}

/** undefined when `existing` already says what `desired` says; otherwise the object to write. */
export function endpointsUpdate(existing: Endpoints | undefined, desired: Endpoints): Endpoints | undefined {
  if (!existing) return desired;
  const sameSubsets = canonicalJson(existing.subsets ?? []) === canonicalJson(desired.subsets ?? []);
  const sameLabels = canonicalJson(existing.metadata.labels ?? {}) === canonicalJson(desired.metadata.labels ?? {});
  const wantCap = desired.metadata.annotations?.[ANNOTATION_OVER_CAPACITY];
  const sameCap = existing.metadata.annotations?.[ANNOTATION_OVER_CAPACITY] === wantCap;
  if (sameSubsets && sameLabels && sameCap) return undefined;
  const annotations = { ...(existing.metadata.annotations ?? {}) };
  if (wantCap) annotations[ANNOTATION_OVER_CAPACITY] = wantCap;
  else delete annotations[ANNOTATION_OVER_CAPACITY];
  return {
    ...existing,
    metadata: { ...existing.metadata, labels: desired.metadata.labels, annotations: Object.keys(annotations).length ? annotations : undefined },
    subsets: desired.subsets,
  };
}
