// Pure ReplicaSet reconcile: how many pods to create, which to delete, and the status.
import type { Pod, PodTemplateSpec, ReplicaSet } from '@svcnet/api-types';
import { isPodActive, isPodAvailable, isPodReady } from './pod-state';
import { LABEL_POD_TEMPLATE_HASH, generateName } from './names';
import { matchesLabelSelector } from '@svcnet/selectors';

/** Kubernetes creates at most this many pods per sync (slow start keeps it gentle). */
export const BURST_REPLICAS = 500;

export interface ReplicaSetPlan {
  create: number;
  delete: Pod[];
  status: NonNullable<ReplicaSet['status']>;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Kubernetes' ActivePods ordering: the pods it is cheapest to lose come first.
 * Unassigned < assigned; Pending < Unknown < Running; not ready < ready;
 * ready more recently < ready longer; more restarts first; newer first.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const assigned = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: Pod) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (isPodReady(a) && isPodReady(b)) {
    const t = (p: Pod) => Date.parse(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '') || 0;
    if (t(a) !== t(b)) return t(b) - t(a);
  }
  const restarts = (p: Pod) => (p.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const created = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  if (created(a) !== created(b)) return created(b) - created(a);
  return String(b.metadata.name).localeCompare(String(a.metadata.name));
}

export function planReplicaSet(rs: ReplicaSet, ownedPods: Pod[], now: number): ReplicaSetPlan {
  const active = ownedPods.filter(isPodActive);
  const want = rs.spec.replicas ?? 1;
  const diff = active.length - want;
  const create = diff < 0 ? Math.min(-diff, BURST_REPLICAS) : 0;
  const del = diff > 0 ? [...active].sort(compareForDeletion).slice(0, Math.min(diff, BURST_REPLICAS)) : [];
  const minReady = rs.spec.minReadySeconds ?? 0;
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  const status = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata.generation ?? rs.status?.observedGeneration ?? 0,
  };
  return { create, delete: del, status };
}

/** The pod a ReplicaSet creates: template + pod-template-hash, owned by the RS, named <rs>-<5>. */
export function podFromTemplate(rs: ReplicaSet, template: PodTemplateSpec = rs.spec.template): Pod {
  const labels = { ...(template.metadata?.labels ?? {}) };
  const hash = rs.metadata.labels?.[LABEL_POD_TEMPLATE_HASH];
  if (hash) labels[LABEL_POD_TEMPLATE_HASH] = hash;
  const annotations = template.metadata?.annotations ? { ...template.metadata.annotations } : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: generateName(`${rs.metadata.name}-`),
      namespace: rs.metadata.namespace,
      labels,
      ...(annotations ? { annotations } : {}),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: String(rs.metadata.name), uid: String(rs.metadata.uid), controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: JSON.parse(JSON.stringify(template.spec)),
    status: { phase: 'Pending' },
  };
}

/** Pods this RS controls (owner uid) that still match its selector. */
export function ownedPods(rs: ReplicaSet, pods: Pod[]): Pod[] {
  return pods.filter(
    (p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === rs.metadata.uid) && matchesLabelSelector(rs.spec.selector, p.metadata.labels),
  );
}

export function replicaSetStatusChanged(rs: ReplicaSet, status: ReplicaSetPlan['status']): boolean {
  const s = rs.status ?? {};
  return (
    (s.replicas ?? 0) !== status.replicas ||
    (s.fullyLabeledReplicas ?? 0) !== status.fullyLabeledReplicas ||
    (s.readyReplicas ?? 0) !== status.readyReplicas ||
    (s.availableReplicas ?? 0) !== status.availableReplicas ||
    (s.observedGeneration ?? 0) !== status.observedGeneration
  );
}
