// I/O half of the Deployment controller: reads the caches, applies planDeployment,
// writes the Deployment's revision and status.
import { isApiError, type Deployment, type ReplicaSet } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import { BY_CONTROLLER_UID, type WorkloadCaches, type WorkloadClients } from './api';
import { ANNOTATION_DESIRED_REPLICAS, ANNOTATION_MAX_REPLICAS, deploymentStatus, deploymentStatusEqual, findNewReplicaSet, mergeConditions, planDeployment } from './deployment-plan';
import type { EventRecorder } from './event-recorder';
import { scaledMessage } from './messages';
import { ANNOTATION_REVISION } from './names';
import { isControlledBy, splitKey } from './pod-state';
import { rollingParams } from './rolling-params';

export interface DeploymentSyncDeps {
  clients: WorkloadClients;
  caches: WorkloadCaches;
  recorder: EventRecorder;
  log: Logger;
  requeue(key: string): void;
}

export async function syncDeployment(deps: DeploymentSyncDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  let d = deps.caches.deployments.get(namespace, name);
  if (!d || d.metadata.deletionTimestamp) return;
  const rss = deps.caches.replicaSets.byIndex(BY_CONTROLLER_UID, String(d.metadata.uid)).filter((rs) => isControlledBy(rs, d!) && !rs.metadata.deletionTimestamp);
  const plan = planDeployment(d, rss);
  const want = d.spec.replicas ?? 1;
  const maxReplicas = want + rollingParams(d).maxSurge;

  if (plan.create) {
    try {
      const rs = await deps.clients.replicaSets.create(plan.create);
      const n = rs.spec.replicas ?? 0;
      if (n > 0) deps.recorder.normal(d, 'ScalingReplicaSet', scaledMessage('up', String(rs.metadata.name), 0, n));
    } catch (err) {
      // The informer has not shown our own RS yet (same name = same template): sync again later.
      if (!isApiError(err, 'AlreadyExists')) throw err;
      deps.log.info('replica set exists already, waiting for the cache', { deployment: key, replicaSet: plan.create.metadata.name });
    }
  }
  // One write per ReplicaSet: a new revision (rollback to an old template) and/or a new size.
  const touched = new Set<ReplicaSet>([...(plan.revision ? [plan.revision.rs] : []), ...plan.scale.map((s) => s.rs)]);
  for (const rs of touched) {
    const step = plan.scale.find((s) => s.rs === rs);
    const from = rs.spec.replicas ?? 0;
    const annotations = { ...(rs.metadata.annotations ?? {}) };
    if (plan.revision?.rs === rs) annotations[ANNOTATION_REVISION] = plan.revision.revision;
    if (step) {
      annotations[ANNOTATION_DESIRED_REPLICAS] = String(want);
      annotations[ANNOTATION_MAX_REPLICAS] = String(maxReplicas);
    }
    const replicas = step ? step.replicas : from;
    await deps.clients.replicaSets.update({ ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas } });
    if (step) deps.recorder.normal(d, 'ScalingReplicaSet', scaledMessage(replicas > from ? 'up' : 'down', String(rs.metadata.name), from, replicas));
  }
  for (const rs of plan.prune) {
    try {
      await deps.clients.replicaSets.delete(rs.metadata.namespace, String(rs.metadata.name), { preconditions: { uid: rs.metadata.uid } });
      deps.log.info('pruned old replica set', { deployment: key, replicaSet: rs.metadata.name });
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }

  if (plan.deploymentRevision && d.metadata.annotations?.[ANNOTATION_REVISION] !== plan.deploymentRevision) {
    d = await deps.clients.deployments.update({ ...d, metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), [ANNOTATION_REVISION]: plan.deploymentRevision } } });
  }
  await writeStatus(deps, d, rss);
}

async function writeStatus(deps: DeploymentSyncDeps, d: Deployment, rss: ReplicaSet[]): Promise<void> {
  const computed = deploymentStatus(d, rss, findNewReplicaSet(d, rss));
  const status = { ...computed, conditions: mergeConditions(d.status?.conditions, computed.conditions ?? [], new Date().toISOString()) };
  if (deploymentStatusEqual(d.status, status)) return;
  try {
    await deps.clients.deployments.updateStatus({ ...d, status });
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
  }
}
