// The node's kubelet on CRI: one PodWorker per pod bound to this node, the runtime cache
// relisted every second (containers that exit, die or get OOM-killed wake their pod's worker),
// leftovers of deleted pods removed, and the lookups the kubelet endpoints need (logs, exec).
// Knows nothing about the apiserver's watch (see pod-controller.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod, PodStatus, Secret } from '@svcnet/api-types';
import type { EventRecorder } from '@svcnet/api-client';
import type { CriClient } from '@svcnet/cri-client';
import type { Logger } from '@svcnet/observability';
import type { EnvSources } from './container-env';
import type { DnsConfig } from './dns-files';
import { ImageManager } from './image-manager';
import { LABEL_POD_UID } from './kubelet-labels';
import { PodWorker } from './pod-worker';
import { computePodStatus } from './pod-status';
import { KUBELET_BACKOFF, type BackoffSettings } from './restart-policy';
import { RuntimeCache } from './runtime-cache';
import type { EnvPair } from './service-env';
import { VolumeManager } from './volume-manager';
import { removePodCgroup } from './pod-cgroup';

export interface KubeletOptions {
  nodeName: string;
  nodeIP: string;
  stateDir: string;
  cri: CriClient;
  events: EventRecorder;
  dns: DnsConfig;
  log: Logger;
  sources: EnvSources;
  serviceEnv(namespace: string, enableServiceLinks: boolean): EnvPair[];
  pullSecrets(namespace: string, names: string[]): Secret[];
  /** called (debounced per pod) whenever a pod's observable state changed */
  onChange?: (uid: string) => void;
  backoff?: BackoffSettings;
  relistMs?: number;
  /** cgroup parent of this node's pods (cgroupfs driver), e.g. /svcnet/node-1 */
  cgroupRoot?: string;
}

export class Kubelet {
  readonly runtime: RuntimeCache;
  private readonly workers = new Map<string, PodWorker>();
  private readonly volumes: VolumeManager;
  private readonly images: ImageManager;
  private readonly changeTimers = new Map<string, NodeJS.Timeout>();
  private relistTimer?: NodeJS.Timeout;
  private stopped = false;
  readonly podLogsDir: string;
  private readonly cgroupRoot: string;

  constructor(private readonly o: KubeletOptions) {
    fs.mkdirSync(o.stateDir, { recursive: true });
    this.runtime = new RuntimeCache(o.cri, o.nodeName);
    this.volumes = new VolumeManager(path.join(o.stateDir, 'pods'));
    this.images = new ImageManager(o.cri, o.events, o.backoff ?? KUBELET_BACKOFF);
    this.podLogsDir = path.join(o.stateDir, 'pod-logs');
    this.cgroupRoot = o.cgroupRoot || `/svcnet/${o.nodeName}`;
    this.runtime.onChanged = (uids) => {
      for (const uid of uids) this.workers.get(uid)?.kick();
    };
  }

  /** the first relist: what the runtime already runs is adopted, not restarted */
  async init(): Promise<void> {
    await this.runtime.relist();
    this.o.log.info('kubelet runtime listed', { pods: this.runtime.uids().length });
    this.scheduleRelist();
  }

  private scheduleRelist(): void {
    if (this.stopped) return;
    this.relistTimer = setTimeout(async () => {
      try {
        await this.runtime.relist();
      } catch (e) {
        this.o.log.warn('runtime relist failed', { err: (e as Error).message });
      }
      this.scheduleRelist();
    }, this.o.relistMs ?? 1000);
  }

  private worker(pod: Pod): PodWorker {
    const uid = pod.metadata.uid!;
    let w = this.workers.get(uid);
    if (!w) {
      w = new PodWorker(pod, {
        nodeName: this.o.nodeName,
        nodeIP: this.o.nodeIP,
        cri: this.o.cri,
        runtime: this.runtime,
        images: this.images,
        volumes: this.volumes,
        events: this.o.events,
        dns: this.o.dns,
        podLogsDir: this.podLogsDir,
        cgroupRoot: this.cgroupRoot,
        memoryCapacity: os.totalmem(),
        backoff: this.o.backoff ?? KUBELET_BACKOFF,
        sources: this.o.sources,
        serviceEnv: this.o.serviceEnv,
        pullSecrets: this.o.pullSecrets,
        changed: (u) => this.changed(u),
        log: this.o.log,
      });
      this.workers.set(uid, w);
    }
    return w;
  }

  /** make the node match the pod: create or adopt it, or stop it when it is being deleted */
  async syncPod(pod: Pod): Promise<void> {
    const w = this.worker(pod);
    if (pod.metadata.deletionTimestamp) {
      await w.terminate(gracePeriodMs(pod));
      this.workers.delete(pod.metadata.uid!);
      return;
    }
    w.update(pod);
  }

  hasPod(uid: string): boolean {
    return this.workers.has(uid);
  }

  podUids(): string[] {
    return [...this.workers.keys()];
  }

  /** stops and removes a pod's containers, sandbox and volumes */
  async terminatePod(pod: Pod, graceMs: number): Promise<void> {
    const w = this.worker(pod);
    await w.terminate(graceMs);
    this.workers.delete(pod.metadata.uid!);
  }

  /** removes sandboxes and volume directories that belong to no pod in `liveUids` */
  async cleanupOrphans(liveUids: Set<string>): Promise<void> {
    await this.runtime.relist();
    for (const uid of this.runtime.uids()) {
      if (liveUids.has(uid)) continue;
      const { sandboxes } = this.runtime.pod(uid);
      this.o.log.info('removing leftover pod', { uid, pod: sandboxes[0]?.labels?.['io.kubernetes.pod.name'] });
      for (const sb of sandboxes) {
        await this.o.cri.stopPodSandbox(sb.id).catch(() => undefined);
        await this.o.cri.removePodSandbox(sb.id).catch(() => undefined);
      }
      removePodCgroup(this.cgroupRoot, uid);
    }
    for (const uid of this.volumes.knownUids()) if (!liveUids.has(uid) && !this.workers.has(uid)) await this.volumes.tearDown(uid);
  }

  podStatus(pod: Pod, now = new Date().toISOString()): PodStatus | undefined {
    const w = this.workers.get(pod.metadata.uid!);
    return w && computePodStatus(pod, w.view(), now);
  }

  /** the newest (or the previous) container of a pod's container name */
  container(uid: string, name: string, previous = false) {
    const list = this.runtime.pod(uid).containers.get(name) ?? [];
    return previous ? list[1] : list[0];
  }

  /** stop timers; containers keep running and are adopted by the next agent */
  shutdown(): void {
    this.stopped = true;
    if (this.relistTimer) clearTimeout(this.relistTimer);
    for (const w of this.workers.values()) w.detach();
    for (const t of this.changeTimers.values()) clearTimeout(t);
  }

  private changed(uid: string): void {
    if (!this.o.onChange || this.changeTimers.has(uid)) return;
    this.changeTimers.set(
      uid,
      setTimeout(() => {
        this.changeTimers.delete(uid);
        this.o.onChange!(uid);
      }, 20),
    );
  }
}

export function gracePeriodMs(pod: Pod): number {
  const s = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, s) * 1000;
}

export { LABEL_POD_UID };
