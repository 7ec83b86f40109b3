// I/O half of the ReplicaSet controller: reads the caches, applies planReplicaSet.
import { isApiError, type Pod, type ReplicaSet } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import { BY_CONTROLLER_UID, type WorkloadCaches, type WorkloadClients } from './api';
import type { EventRecorder } from './event-recorder';
import type { Expectations } from './expectations';
import { createdPodMessage, deletedPodMessage } from './messages';
import { isPodAvailable, isPodReady, splitKey } from './pod-state';
import { ownedPods, planReplicaSet, podFromTemplate, replicaSetStatusChanged } from './replica-set-plan';

export interface ReplicaSetSyncDeps {
  clients: WorkloadClients;
  caches: WorkloadCaches;
  expectations: Expectations;
  recorder: EventRecorder;
  log: Logger;
  /** re-sync later, e.g. when a pod becomes available after minReadySeconds */
  requeueAfter(key: string, ms: number): void;
}

export async function syncReplicaSet(deps: ReplicaSetSyncDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const rs = deps.caches.replicaSets.get(namespace, name);
  if (!rs || rs.metadata.deletionTimestamp) {
    deps.expectations.forget(key);
    return;
  }
  const candidates = deps.caches.pods.byIndex(BY_CONTROLLER_UID, String(rs.metadata.uid));
  const pods = ownedPods(rs, candidates);
  const now = Date.now();
  const plan = planReplicaSet(rs, pods, now);

  if (deps.expectations.satisfied(key) && (plan.create > 0 || plan.delete.length > 0)) {
    deps.expectations.expect(key, plan.create, plan.delete.map((p) => String(p.metadata.name)));
    await Promise.all([...Array.from({ length: plan.create }, () => createPod(deps, key, rs)), ...plan.delete.map((p) => deletePod(deps, key, rs, p))]);
  }

  if (replicaSetStatusChanged(rs, plan.status)) {
    try {
      await deps.clients.replicaSets.updateStatus({ ...rs, status: { ...(rs.status ?? {}), ...plan.status } });
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      throw err; // Conflict: the cache is behind; the queue retries
    }
  }
  // A ready pod becomes available only after minReadySeconds: look again then.
  const minReady = rs.spec.minReadySeconds ?? 0;
  if (minReady > 0 && pods.some((p) => isPodReady(p) && !isPodAvailable(p, minReady, now))) deps.requeueAfter(key, minReady * 1000 + 100);
}

async function createPod(deps: ReplicaSetSyncDeps, key: string, rs: ReplicaSet): Promise<void> {
  const pod = podFromTemplate(rs);
  try {
    const created = await deps.clients.pods.create(pod);
    deps.recorder.normal(rs, 'SuccessfulCreate', createdPodMessage(String(created.metadata.name)));
  } catch (err) {
    deps.expectations.lowerAdds(key);
    deps.recorder.warning(rs, 'FailedCreate', `Error creating: ${(err as Error).message}`);
    deps.log.warn('pod create failed', { replicaSet: key, err });
  }
}

async function deletePod(deps: ReplicaSetSyncDeps, key: string, rs: ReplicaSet, pod: Pod): Promise<void> {
  try {
    await deps.clients.pods.delete(pod.metadata.namespace, String(pod.metadata.name), { preconditions: { uid: pod.metadata.uid } });
    deps.recorder.normal(rs, 'SuccessfulDelete', deletedPodMessage(String(pod.metadata.name)));
  } catch (err) {
    deps.expectations.observedDelete(key, String(pod.metadata.name));
    if (isApiError(err, 'NotFound')) return;
    deps.recorder.warning(rs, 'FailedDelete', `Error deleting: ${(err as Error).message}`);
    deps.log.warn('pod delete failed', { replicaSet: key, pod: pod.metadata.name, err });
  }
}
