// Pure scheduling: pick a Ready, schedulable node that satisfies nodeSelector, least loaded
// first, spreading pods of the same owner across nodes.
import type { Node, Pod } from '@svcnet/api-types';
import { controllerOf, isPodTerminal } from './pod-state';

export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

export function needsScheduling(pod: Pod): boolean {
  return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && !isPodTerminal(pod);
}

export type ScheduleResult = { node: string } | { unschedulable: string };

/**
 * @param pods every pod the scheduler knows, including ones it has just bound
 *             (their spec.nodeName set) so counts are right before the informer catches up.
 */
export function schedulePod(pod: Pod, nodes: Node[], pods: Pod[]): ScheduleResult {
  if (nodes.length === 0) return { unschedulable: 'no nodes available to schedule pods' };
  let notReady = 0;
  let unschedulable = 0;
  let selectorMismatch = 0;
  const fits: Node[] = [];
  for (const n of nodes) {
    if (!isNodeReady(n)) notReady++;
    else if (n.spec?.unschedulable) unschedulable++;
    else if (!Object.entries(pod.spec.nodeSelector ?? {}).every(([k, v]) => n.metadata.labels?.[k] === v)) selectorMismatch++;
    else fits.push(n);
  }
  if (fits.length === 0) {
    // Kubernetes' wording: "0/3 nodes are available: 1 node(s) were unschedulable, ..."
    const parts: string[] = [];
    if (notReady) parts.push(`${notReady} node(s) had untolerated taint {node.kubernetes.io/not-ready: }`);
    if (selectorMismatch) parts.push(`${selectorMismatch} node(s) didn't match Pod's node affinity/selector`);
    if (unschedulable) parts.push(`${unschedulable} node(s) were unschedulable`);
    return { unschedulable: `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.` };
  }
  const owner = controllerOf(pod)?.uid;
  const load = new Map<string, { total: number; sameOwner: number }>();
  for (const n of fits) load.set(String(n.metadata.name), { total: 0, sameOwner: 0 });
  for (const p of pods) {
    if (!p.spec.nodeName || isPodTerminal(p) || p.metadata.uid === pod.metadata.uid) continue;
    const l = load.get(p.spec.nodeName);
    if (!l) continue;
    l.total++;
    if (owner && controllerOf(p)?.uid === owner) l.sameOwner++;
  }
  const best = [...fits].sort((a, b) => {
    const la = load.get(String(a.metadata.name))!;
    const lb = load.get(String(b.metadata.name))!;
    return la.sameOwner - lb.sameOwner || la.total - lb.total || String(a.metadata.name).localeCompare(String(b.metadata.name));
  })[0];
  return { node: String(best.metadata.name) };
}
