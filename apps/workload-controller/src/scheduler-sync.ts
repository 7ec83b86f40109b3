// I/O half of the scheduler: binds a pending pod to the node schedulePod picks, or marks
// it PodScheduled=False/Unschedulable. Pods it has bound are remembered until the cache
// shows them, so back-to-back pods spread instead of piling on one node.
import { isApiError, type Condition, type Pod } from '@svcnet/api-types';
import type { ResourceClient, Informer } from '@svcnet/api-client';
import type { Node } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import type { EventRecorder } from './event-recorder';
import { scheduledMessage } from './messages';
import { keyOf, splitKey } from './pod-state';
import { needsScheduling, schedulePod } from './schedule';

export interface SchedulerDeps {
  pods: ResourceClient<Pod>;
  podCache: Informer<Pod>;
  nodeCache: Informer<Node>;
  recorder: EventRecorder;
  log: Logger;
  /** podKey -> node, for binds the cache has not shown yet */
  assumed: Map<string, string>;
}

function withScheduledCondition(pod: Pod, c: Condition): Pod {
  const conditions = (pod.status?.conditions ?? []).filter((x) => x.type !== 'PodScheduled');
  return { ...pod, status: { ...(pod.status ?? {}), phase: pod.status?.phase ?? 'Pending', conditions: [c, ...conditions] } };
}

export async function schedulePodKey(deps: SchedulerDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const pod = deps.podCache.get(namespace, name);
  if (!pod || !needsScheduling(pod)) {
    deps.assumed.delete(key);
    return;
  }
  if (deps.assumed.has(key)) return;
  const all = deps.podCache.list().map((p) => {
    const n = deps.assumed.get(keyOf(p));
    return n && !p.spec.nodeName ? { ...p, spec: { ...p.spec, nodeName: n } } : p;
  });
  const result = schedulePod(pod, deps.nodeCache.list(), all);
  const now = new Date().toISOString();
  if ('node' in result) {
    deps.assumed.set(key, result.node);
    try {
      const bound = await deps.pods.update({ ...pod, spec: { ...pod.spec, nodeName: result.node } });
      await deps.pods.updateStatus(withScheduledCondition(bound, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }));
      deps.recorder.normal(pod, 'Scheduled', scheduledMessage(String(namespace), name, result.node));
      deps.log.info('pod bound', { pod: key, node: result.node });
    } catch (err) {
      deps.assumed.delete(key);
      if (isApiError(err, 'NotFound')) return;
      throw err;
    }
    return;
  }
  const prev = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (prev?.status === 'False' && prev.reason === 'Unschedulable' && prev.message === result.unschedulable) return;
  try {
    await deps.pods.updateStatus(
      withScheduledCondition(pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: result.unschedulable, lastProbeTime: null, lastTransitionTime: now }),
    );
  } catch (err) {
    if (isApiError(err, 'NotFound')) return;
    throw err;
  }
  deps.recorder.warning(pod, 'FailedScheduling', result.unschedulable);
}
