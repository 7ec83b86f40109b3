// How a pod counts as an endpoint: included at all, ready, serving, terminating.
import type { Node, Pod, Service } from '@svcnet/api-types';
import { matchesServiceSelector } from '@svcnet/selectors';

export interface PodEndpointState {
  ip: string;
  /** the pod's Ready condition, false when its node is NotReady */
  podReady: boolean;
  terminating: boolean;
}

export function isNodeNotReady(node: Node | undefined): boolean {
  // An unknown node (not registered, or no node-agent yet) is not held against the pod.
  if (!node) return false;
  const c = node.status?.conditions?.find((x) => x.type === 'Ready');
  return !!c && c.status !== 'True';
}

/** undefined when the pod is no endpoint: no IP yet, or finished (Succeeded/Failed). */
export function podEndpointState(pod: Pod, nodeOf: (name: string) => Node | undefined): PodEndpointState | undefined {
  const ip = pod.status?.podIP;
  if (!ip) return undefined;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return undefined;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const nodeDown = !!pod.spec.nodeName && isNodeNotReady(nodeOf(pod.spec.nodeName));
  return { ip, podReady: ready && !nodeDown, terminating: !!pod.metadata.deletionTimestamp };
}

/** Service selector as a map: every key must equal. An empty selector selects nothing here. */
export function serviceSelects(svc: Service, pod: Pod): boolean {
  return pod.metadata.namespace === svc.metadata.namespace && matchesServiceSelector(svc.spec.selector, pod.metadata.labels);
}

export function hasSelector(svc: Service): boolean {
  return !!svc.spec.selector && Object.keys(svc.spec.selector).length > 0;
}

/** hostname is published when the pod names this Service as its subdomain. */
export function endpointHostname(svc: Service, pod: Pod): string | undefined {
  return pod.spec.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace ? pod.spec.hostname : undefined;
}
