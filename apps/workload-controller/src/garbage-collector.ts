// Garbage collection by ownerReferences: ReplicaSets whose Deployment is gone and pods
// whose ReplicaSet is gone are deleted (Kubernetes' background cascading deletion).
import { isApiError, type KubeObject } from '@svcnet/api-types';
import type { ResourceClient } from '@svcnet/api-client';
import type { Logger } from '@svcnet/observability';
import type { WorkloadCaches, WorkloadClients } from './api';
import { controllerOf } from './pod-state';

/** Objects whose controller of `ownerKind` is not among `liveOwnerUids`. */
export function orphans<T extends KubeObject>(objs: T[], ownerKind: string, liveOwnerUids: Set<string>): T[] {
  return objs.filter((o) => {
    const ref = controllerOf(o);
    return !!ref && ref.kind === ownerKind && !liveOwnerUids.has(ref.uid) && !o.metadata.deletionTimestamp;
  });
}

async function deleteAll<T extends KubeObject>(client: ResourceClient<T>, objs: T[], log: Logger): Promise<void> {
  for (const o of objs) {
    try {
      await client.delete(o.metadata.namespace, String(o.metadata.name), { preconditions: { uid: o.metadata.uid } });
      log.info('garbage collected', { kind: client.resource, object: `${o.metadata.namespace}/${o.metadata.name}`, owner: controllerOf(o)?.name });
    } catch (err) {
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) log.warn('garbage collection failed', { object: o.metadata.name, err });
    }
  }
}

export async function collectGarbage(clients: WorkloadClients, caches: WorkloadCaches, log: Logger): Promise<void> {
  const deployments = new Set(caches.deployments.list().map((d) => String(d.metadata.uid)));
  await deleteAll(clients.replicaSets, orphans(caches.replicaSets.list(), 'Deployment', deployments), log);
  const rss = new Set(caches.replicaSets.list().map((r) => String(r.metadata.uid)));
  await deleteAll(clients.pods, orphans(caches.pods.list(), 'ReplicaSet', rss), log);
}
