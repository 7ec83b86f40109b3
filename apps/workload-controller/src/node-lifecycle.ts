// Node lifecycle, as Kubernetes' node-lifecycle-controller does it: a Node whose agent has
// not posted a heartbeat within the grace period gets Ready=Unknown, so its pods stop
// counting as ready endpoints and traffic moves to the other nodes.
import { rfc3339, type Condition, type Node } from '@svcnet/api-types';

export const NODE_STATUS_UNKNOWN_REASON = 'NodeStatusUnknown';
export const NODE_STATUS_UNKNOWN_MESSAGE = 'Kubelet stopped posting node status.';

/** The Ready condition to write when the node's heartbeat is stale, or undefined when it is fresh. */
export function staleReadyCondition(node: Node, nowMs: number, graceMs: number): Condition | undefined {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'Unknown') return undefined;
  const last = Date.parse(ready.lastHeartbeatTime ?? ready.lastTransitionTime ?? '');
  if (!Number.isFinite(last) || nowMs - last <= graceMs) return undefined;
  const now = rfc3339(nowMs);
  return { ...ready, status: 'Unknown', reason: NODE_STATUS_UNKNOWN_REASON, message: NODE_STATUS_UNKNOWN_MESSAGE, lastTransitionTime: now };
}

/** The node with its Ready condition replaced. */
export function withReadyCondition(node: Node, ready: Condition): Node {
  const conditions = (node.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? ready : c));
  return { ...node, status: { ...node.status, conditions } };
}
