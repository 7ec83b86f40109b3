// Connects the Kubelet to the apiserver: pods bound to this node (informer with a
// fieldSelector) are created/adopted, their status is written through the status subresource,
// pods with a deletionTimestamp are stopped and then deleted for good (gracePeriodSeconds 0).
import type { Pod, Service } from '@svcnet/api-types';
import type { Informer, ResourceClient } from '@svcnet/api-client';
import type { Logger, Registry } from '@svcnet/observability';
import type { Kubelet } from './kubelet';
import { gracePeriodMs } from './kubelet';
import { statusChanged } from './pod-status';

export interface PodControllerOptions {
  nodeName: string;
  pods: ResourceClient<Pod>;
  podInformer: Informer<Pod>;
  serviceInformer: Informer<Service>;
  runtime: Kubelet;
  log: Logger;
  registry?: Registry;
  resyncMs?: number;
}

const reasonOf = (e: unknown) => (e as { reason?: string }).reason;

export class PodController {
  private byUid = new Map<string, { namespace: string; name: string }>();
  private statusQueue = new Map<string, Promise<void>>();
  private statusDirty = new Set<string>();
  private resyncTimer?: NodeJS.Timeout;
  private stopped = false;
  private synced = false;
  private readonly statusWrites;
  private readonly podsGauge;

  constructor(private readonly o: PodControllerOptions) {
    this.statusWrites = o.registry?.counter('svcnet_node_pod_status_writes_total', 'pod status updates written');
    this.podsGauge = o.registry?.gauge('svcnet_node_pods', 'pods running on this node');
  }

  /** the runtime calls this when a pod's observable state changed */
  onRuntimeChange(uid: string): void {
    this.queueStatus(uid);
  }

  async start(): Promise<void> {
    const { podInformer, serviceInformer } = this.o;
    podInformer.on({
      add: (p) => this.sync(p),
      update: (_, p) => this.sync(p),
      delete: (p) => this.onDeleted(p),
    });
    await Promise.all([podInformer.start(), serviceInformer.start()]);
    const live = podInformer.list().filter((p) => p.spec.nodeName === this.o.nodeName);
    // pods of this node that are gone from the apiserver while the agent was away
    await this.o.runtime.cleanupOrphans(new Set(live.map((p) => p.metadata.uid!)));
    this.synced = true;
    for (const p of live) this.sync(p);
    this.scheduleResync();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  stop(): void {
    this.stopped = true;
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.o.podInformer.stop();
    this.o.serviceInformer.stop();
  }

  /** the pod object by namespace/name (for the logs endpoint) */
  findPod(namespace: string, name: string): Pod | undefined {
    return this.o.podInformer.get(namespace, name);
  }

  private scheduleResync(): void {
    this.resyncTimer = setTimeout(() => {
      if (this.stopped) return;
      for (const p of this.o.podInformer.list()) this.sync(p);
      this.podsGauge?.set(this.o.runtime.podUids().length);
      this.scheduleResync();
    }, this.o.resyncMs ?? 10_000);
  }

  private sync(pod: Pod): void {
    if (this.stopped || !this.synced || pod.spec.nodeName !== this.o.nodeName) return;
    const uid = pod.metadata.uid!;
    this.byUid.set(uid, { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name! });
    const phase = pod.status?.phase;
    // a finished pod this runtime does not know (e.g. completed before a state-dir wipe) is not rerun
    if ((phase === 'Succeeded' || phase === 'Failed') && !this.o.runtime.hasPod(uid) && !pod.metadata.deletionTimestamp) return;
    this.o.runtime
      .syncPod(pod)
      .then(async () => {
        if (pod.metadata.deletionTimestamp) await this.finishDeletion(pod);
        else this.queueStatus(uid);
      })
      .catch((e) => this.o.log.error('pod sync failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, err: (e as Error).message }));
  }

  private onDeleted(pod: Pod): void {
    if (pod.spec.nodeName !== this.o.nodeName) return;
    const uid = pod.metadata.uid!;
    this.byUid.delete(uid);
    // force-deleted (or deleted by us): make sure nothing is left on the node
    void this.o.runtime.terminatePod(pod, pod.metadata.deletionTimestamp ? 0 : gracePeriodMs(pod)).catch((e) => this.o.log.error('pod teardown failed', { uid, err: (e as Error).message }));
  }

  private async finishDeletion(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid!;
    this.byUid.delete(uid);
    try {
      await this.o.pods.delete(pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
      this.o.log.info('pod deleted', { pod: `${pod.metadata.namespace}/${pod.metadata.name}` });
    } catch (e) {
      if (reasonOf(e) !== 'NotFound' && reasonOf(e) !== 'Conflict') throw e;
    }
  }

  /** coalesce status writes per pod: one in flight, one more queued at most */
  private queueStatus(uid: string): void {
    if (this.statusQueue.has(uid)) {
      this.statusDirty.add(uid);
      return;
    }
    const run = async (): Promise<void> => {
      try {
        await this.writeStatus(uid);
      } catch (e) {
        this.o.log.warn('pod status write failed', { uid, err: (e as Error).message });
      }
      if (this.statusDirty.delete(uid)) return run();
    };
    const p = run().finally(() => this.statusQueue.delete(uid));
    this.statusQueue.set(uid, p);
  }

  private async writeStatus(uid: string): Promise<void> {
    const key = this.byUid.get(uid);
    if (!key || this.stopped) return;
    let pod = this.o.podInformer.get(key.namespace, key.name);
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      const status = this.o.runtime.podStatus(pod);
      if (!status || !statusChanged(pod.status, status)) return;
      try {
        await this.o.pods.updateStatus({ ...pod, status });
        this.statusWrites?.inc();
        return;
      } catch (e) {
        if (reasonOf(e) === 'NotFound') return;
        if (reasonOf(e) !== 'Conflict') throw e;
        pod = await this.o.pods.get(key.namespace, key.name);
        if (pod.metadata.uid !== uid) return;
      }
    }
  }
}
