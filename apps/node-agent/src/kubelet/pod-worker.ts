// One pod on this node, driven to its spec through CRI (the kubelet's SyncPod): sandbox first
// (volumes, then RunPodSandbox, which has containerd create the netns and call CNI), then each
// container: image, env, create, start; restarts per restartPolicy with crash-loop back-off;
// probes; and at the end KillPod (stop containers within the grace period, stop and remove
// the sandbox, tear down volumes). Runs one sync at a time; a kick during a sync runs another.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Container, Pod, Secret } from '@svcnet/api-types';
import type { EventRecorder } from '@svcnet/api-client';
import type { ContainerStatus as CriContainerStatus, CriClient, PodSandboxConfig } from '@svcnet/cri-client';
import { nanosToDate } from '@svcnet/cri-client';
import type { Logger } from '@svcnet/observability';
import { containerConfig, ContainerConfigError } from './container-config';
import { containerEnv, EnvError, type EnvSources } from './container-env';
import { kubeContainerState } from './container-state';
import { hostsFile, type DnsConfig } from './dns-files';
import type { ImageManager } from './image-manager';
import { parseImageReference } from './image-reference';
import { ContainerProber } from './prober';
import { nextBackoff, shouldRestart, type BackoffSettings } from './restart-policy';
import type { RuntimeCache } from './runtime-cache';
import { podLogDirectory, podSandboxConfig } from './sandbox-config';
import { removePodCgroup } from './pod-cgroup';
import { verifyRunAsNonRoot } from './security-context';
import type { EnvPair } from './service-env';
import type { ContainerState, ContainerView, PodView } from './pod-status';
import type { VolumeManager } from './volume-manager';
import { VolumeSetupError } from './volume-files';

export interface PodWorkerContext {
  nodeName: string;
  nodeIP: string;
  cri: CriClient;
  runtime: RuntimeCache;
  images: ImageManager;
  volumes: VolumeManager;
  events: EventRecorder;
  dns: DnsConfig;
  podLogsDir: string;
  cgroupRoot: string;
  memoryCapacity: number;
  backoff: BackoffSettings;
  sources: EnvSources;
  serviceEnv(namespace: string, enableServiceLinks: boolean): EnvPair[];
  pullSecrets(namespace: string, names: string[]): Secret[];
  changed(uid: string): void;
  log: Logger;
}

interface ContainerRecord {
  /** why the container is not running, when the worker knows better than the runtime */
  waiting?: { reason: string; message?: string };
  backoffMs?: number;
  /** the exited container the current back-off is for */
  backoffFor?: string;
  prober?: ContainerProber;
  proberFor?: string;
  /** restart this container (liveness/startup failure) even if its policy would not */
  restartAfterKill?: string;
}

const VOLUME_REFRESH_MS = 10_000;

export class PodWorker {
  private running?: Promise<void>;
  private again = false;
  private terminating?: { graceMs: number; done: Promise<void>; resolve: () => void };
  private readonly records = new Map<string, ContainerRecord>();
  private sandboxId?: string;
  private podIP?: string;
  private sandboxConfig?: PodSandboxConfig;
  private volumePaths?: Map<string, string>;
  private volumesAt = 0;
  private podError?: { reason: string; message: string };
  private retryTimer?: NodeJS.Timeout;
  private readonly log: Logger;
  private startTime?: string;
  finished = false;

  constructor(
    private pod: Pod,
    private readonly ctx: PodWorkerContext,
  ) {
    this.log = ctx.log.child({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, uid: pod.metadata.uid });
  }

  get uid(): string {
    return this.pod.metadata.uid!;
  }

  update(pod: Pod): void {
    this.pod = pod;
    this.kick();
  }

  /** runs a sync now, or right after the one in progress */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  /** stops the pod for good: containers within graceMs, then sandbox and volumes */
  terminate(graceMs: number): Promise<void> {
    if (!this.terminating) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.terminating = { graceMs, done, resolve };
      this.kick();
    } else this.terminating.graceMs = Math.min(this.terminating.graceMs, graceMs);
    return this.terminating.done;
  }

  /** stop timers and probes without touching the containers (agent shutdown) */
  detach(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const r of this.records.values()) r.prober?.stop();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        if (this.terminating) await this.killPod(this.terminating.graceMs);
        else await this.syncPod();
      } catch (e) {
        this.log.error('pod sync failed', { err: (e as Error).message });
        this.retryIn(2000);
      }
      this.ctx.changed(this.uid);
    } while (this.again);
  }

  /** sync again in ms, or earlier if an earlier retry is already due */
  private retryIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.retryTimer && this.retryAt <= at) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, ms);
  }

  private retryAt = 0;

  private record(name: string): ContainerRecord {
    let r = this.records.get(name);
    if (!r) this.records.set(name, (r = {}));
    return r;
  }

  private facts() {
    return { podIP: this.podIP, hostIP: this.ctx.nodeIP, nodeName: this.ctx.nodeName };
  }

  private podDir(): string {
    return this.ctx.volumes.podDir(this.uid);
  }

  private async syncPod(): Promise<void> {
    const pod = this.pod;
    const state = this.ctx.runtime.pod(this.uid);
    const ready = state.sandboxes.find((s) => s.state === 'SANDBOX_READY');
    this.startTime ??= ready?.createdAt ? nanosToDate(ready.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;

    // volumes (and their refresh: ConfigMap and Secret updates reach running pods)
    if (!this.volumePaths || Date.now() - this.volumesAt > VOLUME_REFRESH_MS) {
      try {
        this.volumePaths = await this.ctx.volumes.setUp(pod, this.facts(), this.ctx.sources);
        this.volumesAt = Date.now();
        if (this.podError?.reason === 'FailedMount') this.podError = undefined;
      } catch (e) {
        if (!(e instanceof VolumeSetupError)) throw e;
        this.podError = { reason: 'FailedMount', message: e.message };
        this.ctx.events.warning(pod, 'FailedMount', e.message);
        this.retryIn(5000);
        if (!ready) return;
      }
    }

    if (!ready || ready.id !== this.sandboxId) {
      if (ready) {
        // adopted after an agent restart
        await this.adoptSandbox(ready.id);
      } else {
        const attempt = state.sandboxes.length ? (state.sandboxes[0].metadata?.attempt ?? 0) + 1 : 0;
        if (state.sandboxes.length) {
          // the sandbox died (node restart, netns gone): kill what is left and make a new one
          this.ctx.events.normal(pod, 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
          await this.stopAll(0);
          for (const sb of state.sandboxes) await this.ctx.cri.stopPodSandbox(sb.id).catch(() => undefined);
        }
        if (!(await this.createSandbox(attempt))) return;
      }
    }
    // init containers run one at a time, each to success, before any app container starts
    for (const c of pod.spec.initContainers ?? []) {
      const [cur] = this.latest(c.name);
      if (cur?.state === 'CONTAINER_EXITED' && Number(cur.exitCode) === 0) continue;
      if (cur?.state === 'CONTAINER_EXITED' && pod.spec.restartPolicy === 'Never') return; // the pod failed
      await this.syncContainer(c, true);
      return;
    }
    for (const c of pod.spec.containers) await this.syncContainer(c);
  }

  private async adoptSandbox(id: string): Promise<void> {
    const st = await this.ctx.cri.podSandboxStatus(id);
    this.sandboxId = id;
    this.podIP = st.status.network?.ip || (this.pod.spec.hostNetwork ? this.ctx.nodeIP : undefined);
    this.sandboxConfig = podSandboxConfig(this.pod, this.sandboxOptions(st.status.metadata?.attempt ?? 0));
    this.writeHostsFile();
  }

  private sandboxOptions(attempt: number) {
    return { nodeName: this.ctx.nodeName, podLogsDir: this.ctx.podLogsDir, cgroupRoot: this.ctx.cgroupRoot, dns: this.ctx.dns, attempt };
  }

  private async createSandbox(attempt: number): Promise<boolean> {
    const cfg = podSandboxConfig(this.pod, this.sandboxOptions(attempt));
    fs.mkdirSync(cfg.logDirectory!, { recursive: true });
    try {
      const id = await this.ctx.cri.runPodSandbox(cfg);
      this.sandboxConfig = cfg;
      this.sandboxId = id;
      const st = await this.ctx.cri.podSandboxStatus(id);
      this.podIP = st.status.network?.ip || (this.pod.spec.hostNetwork ? this.ctx.nodeIP : undefined);
      this.startTime ??= new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      this.writeHostsFile();
      if (this.podError?.reason === 'FailedCreatePodSandBox') this.podError = undefined;
      this.log.info('pod sandbox started', { sandbox: id, ip: this.podIP });
      await this.ctx.runtime.relist();
      return true;
    } catch (e) {
      const message = `Failed to create pod sandbox: ${(e as { details?: string }).details || (e as Error).message}`;
      this.podError = { reason: 'FailedCreatePodSandBox', message };
      this.ctx.events.warning(this.pod, 'FailedCreatePodSandBox', message);
      this.log.warn('sandbox failed', { err: message });
      this.retryIn(5000);
      return false;
    }
  }

  /** the kubelet-managed /etc/hosts of the pod (hostNetwork pods see the node's) */
  private writeHostsFile(): string | undefined {
    if (this.pod.spec.hostNetwork || !this.podIP) return undefined;
    const p = path.join(this.podDir(), 'etc-hosts');
    fs.mkdirSync(this.podDir(), { recursive: true });
    fs.writeFileSync(p, hostsFile(this.pod, this.podIP, this.ctx.dns.clusterDomain));
    return p;
  }

  private latest(name: string): CriContainerStatus[] {
    return this.ctx.runtime.pod(this.uid).containers.get(name) ?? [];
  }

  private async syncContainer(c: Container, init = false): Promise<void> {
    const rec = this.record(c.name);
    const [cur] = this.latest(c.name);
    if (cur?.state === 'CONTAINER_RUNNING') {
      rec.waiting = undefined;
      this.ensureProber(c, cur, rec);
      return;
    }
    if (rec.prober && rec.proberFor !== cur?.id) {
      rec.prober.stop();
      rec.prober = undefined;
    }
    if (!cur) return this.startContainer(c, 0, rec);
    if (cur.state === 'CONTAINER_CREATED') {
      // created but never started (agent died in between): start over with this attempt
      await this.ctx.cri.removeContainer(cur.id).catch(() => undefined);
      return this.startContainer(c, cur.metadata?.attempt ?? 0, rec);
    }
    const exitCode = Number(cur.exitCode ?? 0);
    // a failed init container is retried unless the pod never restarts (Always counts as OnFailure)
    const policy = init && this.pod.spec.restartPolicy !== 'Never' ? 'OnFailure' : this.pod.spec.restartPolicy;
    const restart = rec.restartAfterKill === cur.id ? this.pod.spec.restartPolicy !== 'Never' : shouldRestart(policy, exitCode);
    if (!restart) {
      rec.waiting = undefined;
      return;
    }
    // crash-loop back-off, counted from when the container finished
    const finished = cur.finishedAt && cur.finishedAt !== '0' ? nanosToDate(cur.finishedAt).getTime() : Date.now();
    const started = cur.startedAt && cur.startedAt !== '0' ? nanosToDate(cur.startedAt).getTime() : finished;
    if (rec.backoffFor !== cur.id) {
      // the first restart is immediate, as in the kubelet; later ones back off
      rec.backoffMs = (cur.metadata?.attempt ?? 0) === 0 && rec.backoffMs === undefined ? 0 : nextBackoff(rec.backoffMs || undefined, finished - started, this.ctx.backoff);
      rec.backoffFor = cur.id;
    }
    const wait = finished + (rec.backoffMs ?? 0) - Date.now();
    if (wait > 0) {
      const message = `back-off ${Math.round((rec.backoffMs ?? 0) / 1000)}s restarting failed container=${c.name} pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`;
      if (rec.waiting?.reason !== 'CrashLoopBackOff') this.ctx.events.warning(this.pod, 'BackOff', `Back-off restarting failed container ${c.name} in pod ${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`, `spec.containers{${c.name}}`);
      rec.waiting = { reason: 'CrashLoopBackOff', message };
      this.retryIn(wait);
      return;
    }
    await this.startContainer(c, (cur.metadata?.attempt ?? 0) + 1, rec);
    // keep only the newest dead container (lastState, logs --previous)
    for (const old of this.latest(c.name).slice(1)) if (old.state !== 'CONTAINER_RUNNING') await this.ctx.cri.removeContainer(old.id).catch(() => undefined);
  }

  private async startContainer(c: Container, attempt: number, rec: ContainerRecord): Promise<void> {
    const pod = this.pod;
    const fieldPath = `spec.containers{${c.name}}`;
    if (!this.sandboxId || !this.sandboxConfig) return;
    const secrets = this.ctx.pullSecrets(pod.metadata.namespace ?? 'default', (pod.spec.imagePullSecrets ?? []).map((s) => s.name ?? ''));
    const img = await this.ctx.images.ensureImage(pod, c, secrets);
    if (!img.ok) {
      rec.waiting = { reason: img.reason, message: img.message };
      // ErrImagePull is followed by ImagePullBackOff until the image back-off expires
      this.retryIn(img.reason === 'ErrImagePull' ? 1000 : (img.retryAfterMs ?? 10_000) + 50);
      return;
    }
    let config;
    try {
      const nonRoot = verifyRunAsNonRoot(pod, c, img);
      if (nonRoot) throw new EnvError(nonRoot);
      const env = containerEnv(pod, c, this.ctx.serviceEnv(pod.metadata.namespace ?? 'default', pod.spec.enableServiceLinks !== false), this.facts(), this.ctx.sources);
      const termDir = path.join(this.podDir(), 'containers', c.name);
      fs.mkdirSync(termDir, { recursive: true });
      const termFile = path.join(termDir, `termination-log-${attempt}`);
      fs.writeFileSync(termFile, '');
      config = containerConfig(pod, c, {
        nodeName: this.ctx.nodeName,
        image: img.imageRef,
        attempt,
        env,
        volumes: this.volumePaths ?? new Map(),
        hostsFile: this.writeHostsFile(),
        terminationLogFile: termFile,
        memoryCapacity: this.ctx.memoryCapacity,
      });
    } catch (e) {
      if (!(e instanceof EnvError) && !(e instanceof ContainerConfigError)) throw e;
      rec.waiting = { reason: 'CreateContainerConfigError', message: e.message };
      this.ctx.events.warning(pod, 'Failed', `Error: ${e.message}`, fieldPath);
      this.retryIn(10_000);
      return;
    }
    let id: string;
    try {
      id = await this.ctx.cri.createContainer(this.sandboxId, config, this.sandboxConfig);
    } catch (e) {
      const message = (e as { details?: string }).details || (e as Error).message;
      rec.waiting = { reason: 'CreateContainerError', message };
      this.ctx.events.warning(pod, 'Failed', `Error: ${message}`, fieldPath);
      this.retryIn(10_000);
      return;
    }
    this.ctx.events.normal(pod, 'Created', `Created container ${c.name}`, fieldPath);
    try {
      await this.ctx.cri.startContainer(id);
      this.ctx.events.normal(pod, 'Started', `Started container ${c.name}`, fieldPath);
      rec.waiting = undefined;
      this.log.info('started container', { container: c.name, id, attempt });
    } catch (e) {
      // the runtime records it as exited (StartError); the restart policy and back-off apply
      const message = (e as { details?: string }).details || (e as Error).message;
      this.ctx.events.warning(pod, 'Failed', `Error: ${message}`, fieldPath);
      this.log.warn('container start failed', { container: c.name, err: message });
      rec.waiting = { reason: 'RunContainerError', message };
    }
    await this.ctx.runtime.relist();
  }

  private ensureProber(c: Container, cur: CriContainerStatus, rec: ContainerRecord): void {
    if (rec.proberFor === cur.id || !(c.readinessProbe || c.livenessProbe || c.startupProbe)) return;
    rec.prober?.stop();
    const startedAt = cur.startedAt && cur.startedAt !== '0' ? nanosToDate(cur.startedAt).getTime() : Date.now();
    const fieldPath = `spec.containers{${c.name}}`;
    const label = { readiness: 'Readiness', liveness: 'Liveness', startup: 'Startup' } as const;
    rec.proberFor = cur.id;
    rec.prober = new ContainerProber(
      c,
      {
        podIP: this.podIP ?? '',
        container: c,
        exec: async (cmd, timeoutMs) => {
          const r = await this.ctx.cri.execSync(cur.id, cmd, Math.max(1, Math.ceil(timeoutMs / 1000)));
          return { exitCode: r.exitCode, output: Buffer.concat([r.stdout, r.stderr]).toString('utf8') };
        },
      },
      startedAt,
      {
        onResult: (kind, success, flipped, message) => {
          if (!success) this.ctx.events.warning(this.pod, 'Unhealthy', `${label[kind]} probe failed: ${message}`, fieldPath);
          if (flipped || kind === 'startup') this.ctx.changed(this.uid);
        },
        onFailure: (kind, _message) => {
          const why = kind === 'liveness' ? 'failed liveness probe' : 'failed startup probe';
          this.ctx.events.normal(this.pod, 'Killing', `Container ${c.name} ${why}, will be restarted`, fieldPath);
          rec.restartAfterKill = cur.id;
          rec.prober?.stop();
          void this.ctx.cri.stopContainer(cur.id, this.graceSeconds()).catch(() => undefined);
        },
      },
    );
  }

  private graceSeconds(): number {
    return Math.max(0, this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30);
  }

  /** stop every running container of the pod within graceMs */
  private async stopAll(graceMs: number): Promise<void> {
    const state = this.ctx.runtime.pod(this.uid);
    const running = [...state.containers.entries()].flatMap(([name, list]) => list.filter((c) => c.state === 'CONTAINER_RUNNING').map((c) => ({ name, c })));
    await Promise.all(
      running.map(async ({ name, c }) => {
        this.ctx.events.normal(this.pod, 'Killing', `Stopping container ${name}`, `spec.containers{${name}}`);
        await this.ctx.cri.stopContainer(c.id, Math.ceil(graceMs / 1000)).catch((e) => this.log.warn('stop container failed', { container: name, err: (e as Error).message }));
      }),
    );
  }

  private async killPod(graceMs: number): Promise<void> {
    for (const r of this.records.values()) r.prober?.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.ctx.runtime.relist().catch(() => undefined);
    await this.stopAll(graceMs);
    for (const sb of this.ctx.runtime.pod(this.uid).sandboxes) {
      await this.ctx.cri.stopPodSandbox(sb.id).catch((e) => this.log.warn('stop sandbox failed', { err: (e as Error).message }));
      await this.ctx.cri.removePodSandbox(sb.id).catch((e) => this.log.warn('remove sandbox failed', { err: (e as Error).message }));
    }
    await this.ctx.volumes.tearDown(this.uid);
    removePodCgroup(this.ctx.cgroupRoot, this.uid);
    const logDir = podLogDirectory(this.ctx.podLogsDir, this.pod);
    fs.rmSync(logDir, { recursive: true, force: true });
    this.ctx.images.forgetPod(this.uid);
    this.finished = true;
    this.log.info('pod removed from node');
    this.terminating?.resolve();
  }

  /** the runtime's and the worker's view of the pod, for its status */
  view(): PodView {
    return { ...this.podView(), initContainers: (this.pod.spec.initContainers ?? []).map((c) => this.containerView(c)) };
  }

  private podView(): PodView {
    const containers: ContainerView[] = this.pod.spec.containers.map((c) => this.containerView(c));
    return {
      containers,
      podIP: this.podIP,
      hostIP: this.ctx.nodeIP,
      startTime: this.startTime,
      message: this.podError?.message,
    };
  }

  private containerView(c: Container): ContainerView {
    const rec = this.records.get(c.name);
    const [cur, prev] = this.latest(c.name);
    const image = (() => {
      const r = parseImageReference(c.image ?? '');
      return 'error' in r ? c.image : r.full;
    })();
    const termMessage = (id: CriContainerStatus) => this.terminationMessage(c, id);
    let state: ContainerState;
    let lastState: ContainerState | undefined;
    if (cur && cur.state === 'CONTAINER_RUNNING') {
      state = kubeContainerState(cur);
      if (prev) lastState = kubeContainerState(prev, termMessage(prev));
    } else if (rec?.waiting) {
      state = { waiting: { ...rec.waiting } };
      if (cur && cur.state !== 'CONTAINER_CREATED') lastState = kubeContainerState(cur, termMessage(cur));
    } else if (cur) {
      state = kubeContainerState(cur, termMessage(cur));
      if (prev) lastState = kubeContainerState(prev, termMessage(prev));
    } else {
      state = { waiting: { reason: 'ContainerCreating' } };
    }
    const running = cur?.state === 'CONTAINER_RUNNING';
    return {
      name: c.name,
      image,
      imageID: cur?.imageRef,
      state,
      lastState,
      ready: running && !this.terminating && (rec?.prober ? rec.prober.ready : true),
      started: running && (rec?.prober ? rec.prober.started : true),
      restartCount: cur ? Number(cur.annotations?.['io.kubernetes.container.restartCount'] ?? cur.metadata?.attempt ?? 0) : 0,
      containerID: cur ? `containerd://${cur.id}` : undefined,
    };
  }

  private readonly termMessages = new Map<string, string>();

  /** terminationMessagePolicy File: the file the container wrote; FallbackToLogsOnError: the log's tail */
  private terminationMessage(c: Container, s: CriContainerStatus): string | undefined {
    if (this.termMessages.has(s.id)) return this.termMessages.get(s.id);
    let msg = '';
    try {
      msg = fs.readFileSync(path.join(this.podDir(), 'containers', c.name, `termination-log-${s.metadata?.attempt ?? 0}`), 'utf8').slice(0, 4096);
    } catch {
      /* none */
    }
    if (!msg && c.terminationMessagePolicy === 'FallbackToLogsOnError' && Number(s.exitCode) !== 0 && s.logPath) {
      try {
        msg = fs.readFileSync(s.logPath, 'utf8').split('\n').filter(Boolean).slice(-80).map((l) => l.split(' ').slice(3).join(' ')).join('\n').slice(-2048);
      } catch {
        /* none */
      }
    }
    this.termMessages.set(s.id, msg);
    return msg || undefined;
  }
}
