// Wiring of the workload controller: informer events -> work queues -> syncs.
// Three loops share the caches: Deployments, ReplicaSets, and the scheduler.
import { isApiError, type KubeObject, type Node, type Pod, type ReplicaSet } from '@svcnet/api-types';
import type { Logger, Registry } from '@svcnet/observability';
import { BY_CONTROLLER_UID, type WorkloadCaches, type WorkloadClients } from './api';
import { syncDeployment } from './deployment-sync';
import { EventRecorder } from './event-recorder';
import { Expectations } from './expectations';
import { collectGarbage } from './garbage-collector';
import { controllerOf, keyOf } from './pod-state';
import { syncReplicaSet } from './replica-set-sync';
import { schedulePodKey } from './scheduler-sync';
import { needsScheduling } from './schedule';
import { WorkQueue } from '@svcnet/api-client';

export interface WorkloadControllerOptions {
  clients: WorkloadClients;
  caches: WorkloadCaches;
  log: Logger;
  registry: Registry;
  /** how often to sweep for orphans besides on owner deletion */
  gcIntervalMs?: number;
}

export class WorkloadController {
  readonly deploymentQueue: WorkQueue;
  readonly replicaSetQueue: WorkQueue;
  readonly schedulerQueue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly assumed = new Map<string, string>();
  private gcTimer?: NodeJS.Timeout;
  private gcRunning = false;
  private synced = false;

  constructor(private readonly o: WorkloadControllerOptions) {
    const { clients, caches, log, registry } = o;
    const syncs = registry.counter('workload_controller_syncs_total', 'Syncs by loop and result');
    const duration = registry.histogram('workload_controller_sync_duration_seconds', 'Sync duration by loop');
    const timed = (loop: string, fn: (key: string) => Promise<void>) => async (key: string) => {
      const stop = duration.startTimer({ loop });
      try {
        await fn(key);
        syncs.inc({ loop, result: 'ok' });
      } catch (err) {
        syncs.inc({ loop, result: 'error' });
        throw err;
      } finally {
        stop();
      }
    };
    // Conflicts are routine (our cache lags our own writes): retried quietly.
    const onError = (loop: string) => (key: string, err: unknown, attempt: number) =>
      isApiError(err, 'Conflict')
        ? log.debug('conflict, will retry', { loop, key, attempt })
        : log.warn('sync failed, will retry', { loop, key, attempt, err: err as Error });

    const deploymentRecorder = new EventRecorder(clients.events, 'deployment-controller', log);
    const rsRecorder = new EventRecorder(clients.events, 'replicaset-controller', log);
    const schedRecorder = new EventRecorder(clients.events, 'default-scheduler', log);

    this.deploymentQueue = new WorkQueue(
      timed('deployment', (key) => syncDeployment({ clients, caches, recorder: deploymentRecorder, log, requeue: (k) => this.deploymentQueue.add(k) }, key)),
      { workers: 2, paused: true, onError: onError('deployment') },
    );
    this.replicaSetQueue = new WorkQueue(
      timed('replicaset', (key) =>
        syncReplicaSet(
          { clients, caches, expectations: this.expectations, recorder: rsRecorder, log, requeueAfter: (k, ms) => this.replicaSetQueue.addAfter(k, ms) },
          key,
        ),
      ),
      { workers: 4, paused: true, onError: onError('replicaset') },
    );
    this.schedulerQueue = new WorkQueue(
      timed('scheduler', (key) =>
        schedulePodKey({ pods: clients.pods, podCache: caches.pods, nodeCache: caches.nodes, recorder: schedRecorder, log, assumed: this.assumed }, key),
      ),
      // one worker: each decision must see the previous bind
      { workers: 1, paused: true, onError: onError('scheduler') },
    );
  }

  /** Starts the informers, waits for their first list, then processes everything once. */
  async start(): Promise<void> {
    const { caches } = this.o;
    const byController = (o: KubeObject) => {
      const uid = controllerOf(o)?.uid;
      return uid ? [uid] : [];
    };
    caches.replicaSets.addIndexer(BY_CONTROLLER_UID, byController);
    caches.pods.addIndexer(BY_CONTROLLER_UID, byController);

    caches.deployments.on({
      add: (d) => this.deploymentQueue.add(keyOf(d)),
      update: (_o, d) => this.deploymentQueue.add(keyOf(d)),
      delete: () => this.gcSoon(),
    });
    caches.replicaSets.on({
      add: (rs) => this.onReplicaSet(rs),
      update: (_o, rs) => this.onReplicaSet(rs),
      delete: (rs) => {
        this.onReplicaSet(rs);
        this.gcSoon();
      },
    });
    caches.pods.on({
      add: (p) => {
        const owner = this.ownerRsKey(p);
        if (owner) this.expectations.observedAdd(owner);
        this.onPod(p);
      },
      update: (old, p) => {
        // A graceful delete shows up as an update that sets deletionTimestamp.
        const owner = this.ownerRsKey(p);
        if (owner && p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) this.expectations.observedDelete(owner, String(p.metadata.name));
        if (p.spec.nodeName) this.assumed.delete(keyOf(p)); // the cache caught up with our bind
        this.onPod(p);
        const was = this.ownerRsKey(old);
        if (was && was !== this.ownerRsKey(p)) this.replicaSetQueue.add(was);
      },
      delete: (p) => {
        const owner = this.ownerRsKey(p);
        if (owner) this.expectations.observedDelete(owner, String(p.metadata.name));
        this.assumed.delete(keyOf(p));
        this.onPod(p);
      },
    });
    caches.nodes.on({
      add: (n) => this.onNode(n),
      update: (_o, n) => this.onNode(n),
      delete: (n) => this.onNode(n),
    });

    await Promise.all([caches.deployments.start(), caches.replicaSets.start(), caches.pods.start(), caches.nodes.start()]);
    this.synced = true;
    this.deploymentQueue.run();
    this.replicaSetQueue.run();
    this.schedulerQueue.run();
    for (const d of caches.deployments.list()) this.deploymentQueue.add(keyOf(d));
    for (const rs of caches.replicaSets.list()) this.replicaSetQueue.add(keyOf(rs));
    for (const p of caches.pods.list()) if (needsScheduling(p)) this.schedulerQueue.add(keyOf(p));
    this.gcSoon();
    this.gcTimer = setInterval(() => this.gcSoon(), this.o.gcIntervalMs ?? 30_000);
    this.gcTimer.unref?.();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  stop(): void {
    clearInterval(this.gcTimer);
    this.deploymentQueue.stop();
    this.replicaSetQueue.stop();
    this.schedulerQueue.stop();
    const c = this.o.caches;
    c.deployments.stop();
    c.replicaSets.stop();
    c.pods.stop();
    c.nodes.stop();
  }

  private ownerRsKey(p: Pod): string | undefined {
    const ref = controllerOf(p);
    if (ref?.kind !== 'ReplicaSet') return undefined;
    return `${p.metadata.namespace}/${ref.name}`;
  }

  private onReplicaSet(rs: ReplicaSet): void {
    this.replicaSetQueue.add(keyOf(rs));
    const ref = controllerOf(rs);
    if (ref?.kind === 'Deployment') this.deploymentQueue.add(`${rs.metadata.namespace}/${ref.name}`);
  }

  private onPod(p: Pod): void {
    const owner = this.ownerRsKey(p);
    if (owner) this.replicaSetQueue.add(owner);
    if (needsScheduling(p)) this.schedulerQueue.add(keyOf(p));
  }

  private onNode(_n: Node): void {
    // Capacity or readiness changed: every pending pod gets another chance.
    for (const p of this.o.caches.pods.list()) if (needsScheduling(p)) this.schedulerQueue.add(keyOf(p));
  }

  private gcSoon(): void {
    if (!this.synced || this.gcRunning) return;
    this.gcRunning = true;
    collectGarbage(this.o.clients, this.o.caches, this.o.log)
      .catch((err) => this.o.log.warn('garbage collection failed', { err }))
      .finally(() => (this.gcRunning = false));
  }
}
