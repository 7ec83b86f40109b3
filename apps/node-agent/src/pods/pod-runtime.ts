// The node's pod runtime: turns Pod objects bound to this node into network namespaces on the
// node bridge with running processes, reports their state, tears them down, and adopts what a
// previous agent left running. Knows nothing about the apiserver (see pod-controller.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stdinFifoPath } from './pod-process';
import type { Container, Pod, PodStatus } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import { containerEnv, podHostname } from './container-env';
import { ContainerRunner, type SandboxContext } from './container-runner';
import { hostsFile, resolvConf, type DnsConfig } from './dns-files';
import { IpAllocator } from './ip-allocator';
import { gatewayIp, parseCidr, type Ipv4Cidr } from './pod-cidr';
import { hostVethName, podNetnsName, HOST_VETH_PREFIX } from './pod-names';
import { ensureBridge, listLinks, listNetns, setupPodNetwork, teardownPodNetwork } from './pod-network';
import { isSameProcessAlive, signalContainer, waitGone } from './pod-process';
import { computePodStatus, type PodView } from './pod-status';
import { KUBELET_BACKOFF, type BackoffSettings } from './restart-policy';
import type { EnvPair } from './service-env';
import { StateStore, type PodRecord } from './state-store';

export interface PodRuntimeOptions {
  nodeName: string;
  nodeIP: string;
  podCIDR: string;
  stateDir: string;
  bridgeName: string;
  netnsPrefix: string;
  dns: DnsConfig;
  log: Logger;
  /** service env vars for a container start in this namespace */
  serviceEnv?: (namespace: string, enableServiceLinks: boolean) => EnvPair[];
  /** called (debounced per pod) whenever a pod's observable state changed */
  onChange?: (uid: string) => void;
  backoff?: BackoffSettings;
  /** node binary and echo server script for the echo images */
  nodeBinary?: string;
  echoServerScript?: string;
}

interface Sandbox {
  pod: Pod;
  record: PodRecord;
  containers: Map<string, ContainerRunner>;
  terminating: boolean;
  error?: string;
}

/** paths under these are hidden by the per-container /tmp and /run mounts */
const FORBIDDEN_STATE_ROOTS = ['/tmp', '/run', '/var/run', '/dev/shm'];

export class PodRuntime {
  private readonly cidr: Ipv4Cidr;
  private readonly ipam: IpAllocator;
  private readonly store: StateStore;
  private readonly sandboxes = new Map<string, Sandbox>();
  /** records found on disk at start, waiting for their Pod object (adoption) or cleanup */
  private readonly unclaimed = new Map<string, PodRecord>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly changeTimers = new Map<string, NodeJS.Timeout>();

  constructor(readonly opts: PodRuntimeOptions) {
    const real = path.resolve(opts.stateDir);
    fs.mkdirSync(real, { recursive: true });
    const resolved = fs.realpathSync(real);
    if (FORBIDDEN_STATE_ROOTS.some((r) => resolved === r || resolved.startsWith(r + '/'))) {
      throw new Error(`--state-dir ${resolved} must not be under ${FORBIDDEN_STATE_ROOTS.join(', ')}: pods get private mounts there`);
    }
    this.cidr = parseCidr(opts.podCIDR);
    this.ipam = new IpAllocator(this.cidr);
    this.store = new StateStore(resolved);
    this.echoScript = opts.echoServerScript ?? installEchoServer(resolved);
  }

  private readonly echoScript: string;

  get gateway(): string {
    return gatewayIp(this.cidr);
  }

  /** bridge up, forwarding on, on-disk pods loaded for adoption */
  async init(): Promise<void> {
    await ensureBridge(this.opts.bridgeName, `${this.gateway}/${this.cidr.prefix}`);
    for (const { uid, record } of this.store.loadAll()) {
      if (!record) {
        this.store.remove(uid);
        continue;
      }
      if (!this.ipam.restore(uid, record.ip)) this.opts.log.warn('pod IP outside podCIDR or taken; will re-create', { uid, ip: record.ip });
      this.unclaimed.set(uid, record);
    }
    this.opts.log.info('pod runtime ready', { bridge: this.opts.bridgeName, gateway: this.gateway, podCIDR: this.opts.podCIDR, onDisk: this.unclaimed.size });
  }

  /** make the node match the pod: create/adopt it, or terminate it when it is being deleted */
  syncPod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid!;
    return this.serial(uid, async () => {
      if (pod.metadata.deletionTimestamp) {
        await this.terminateNow(uid, gracePeriodMs(pod), pod);
        return;
      }
      const sb = this.sandboxes.get(uid);
      if (sb) {
        sb.pod = pod;
        if (!sb.error) return;
        // a failed network setup is retried on the next sync
        this.sandboxes.delete(uid);
      }
      await this.createOrAdopt(pod);
    });
  }

  /** kill the pod's processes (SIGTERM, grace, SIGKILL) and remove its netns, veth and files */
  terminatePod(uid: string, graceMs: number): Promise<void> {
    return this.serial(uid, () => this.terminateNow(uid, graceMs));
  }

  /** remove everything on this node that belongs to no pod in `liveUids` */
  async cleanupOrphans(liveUids: Set<string>): Promise<void> {
    for (const [uid, rec] of [...this.unclaimed]) {
      if (liveUids.has(uid)) continue;
      await this.serial(uid, async () => {
        this.opts.log.info('removing leftover pod', { uid, pod: `${rec.namespace}/${rec.name}` });
        for (const c of Object.values(rec.containers)) {
          if (c.pid && isSameProcessAlive(c.pid, c.procStart)) {
            signalContainer(c.pid, 'SIGKILL');
            await waitGone(c.pid, c.procStart, 5000);
          }
        }
        await teardownPodNetwork(rec.netns, rec.hostVeth);
        this.ipam.release(uid);
        this.store.remove(uid);
        this.unclaimed.delete(uid);
      });
    }
    for (const uid of [...this.sandboxes.keys()]) if (!liveUids.has(uid)) await this.terminatePod(uid, gracePeriodMs(this.sandboxes.get(uid)!.pod));
    // netns and veths with our names that no record explains (a crash between steps)
    const known = new Set([...this.sandboxes.values()].map((s) => s.record.netns).concat([...this.unclaimed.values()].map((r) => r.netns)));
    for (const ns of await listNetns()) {
      if (ns.startsWith(this.opts.netnsPrefix) && !known.has(ns)) {
        this.opts.log.info('removing leftover netns', { netns: ns });
        await teardownPodNetwork(ns, '');
      }
    }
    const knownVeths = new Set([...this.sandboxes.values()].map((s) => s.record.hostVeth).concat([...this.unclaimed.values()].map((r) => r.hostVeth)));
    for (const link of await listLinks(HOST_VETH_PREFIX)) {
      if (!knownVeths.has(link)) await teardownPodNetwork('', link);
    }
  }

  hasPod(uid: string): boolean {
    return this.sandboxes.has(uid);
  }

  podUids(): string[] {
    return [...this.sandboxes.keys()];
  }

  podIP(uid: string): string | undefined {
    return this.sandboxes.get(uid)?.record.ip;
  }

  netnsOf(uid: string): string | undefined {
    return this.sandboxes.get(uid)?.record.netns;
  }

  containerPid(uid: string, container: string): number | undefined {
    return this.sandboxes.get(uid)?.containers.get(container)?.processId;
  }

  logPath(uid: string, container: string): string {
    return this.store.logPath(uid, container);
  }

  /** the container's stdin FIFO (containers with `stdin: true`) */
  stdinPath(uid: string, container: string): string {
    return stdinFifoPath(this.store.containerDir(uid, container));
  }

  podView(uid: string): PodView | undefined {
    const sb = this.sandboxes.get(uid);
    if (!sb) return undefined;
    return {
      containers: sb.pod.spec.containers.map(
        (c) => sb.containers.get(c.name)?.view() ?? { name: c.name, image: c.image, state: { waiting: { reason: 'ContainerCreating', message: sb.error } }, ready: false, restartCount: 0 },
      ),
      podIP: sb.error ? undefined : sb.record.ip,
      hostIP: this.opts.nodeIP,
      startTime: sb.record.startTime,
      message: sb.error,
    };
  }

  /** the status to write for the pod, from the runtime's view */
  podStatus(pod: Pod, now = new Date().toISOString()): PodStatus | undefined {
    const view = this.podView(pod.metadata.uid!);
    return view && computePodStatus(pod, view, now);
  }

  /** stop timers; processes keep running and are adopted by the next agent */
  shutdown(): void {
    for (const sb of this.sandboxes.values()) for (const c of sb.containers.values()) c.detach();
    for (const t of this.changeTimers.values()) clearTimeout(t);
  }

  private async createOrAdopt(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid!;
    const adopted = this.unclaimed.get(uid);
    this.unclaimed.delete(uid);
    const ip = adopted && this.ipam.ipOf(uid) === adopted.ip ? adopted.ip : this.ipam.allocate(uid);
    const record: PodRecord = adopted ?? {
      uid,
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name ?? '',
      netns: podNetnsName(this.opts.netnsPrefix, uid),
      hostVeth: hostVethName(uid),
      ip,
      startTime: new Date().toISOString(),
      containers: {},
    };
    record.ip = ip;
    // persist before touching the network, so a crash in between leaves a record to clean up
    this.store.save(record);
    const sb: Sandbox = { pod, record, containers: new Map(), terminating: false };
    this.sandboxes.set(uid, sb);
    const log = this.opts.log.child({ pod: `${record.namespace}/${record.name}`, uid });
    try {
      await setupPodNetwork({ netns: record.netns, hostVeth: record.hostVeth, ip, gateway: this.gateway, bridge: this.opts.bridgeName });
    } catch (e) {
      sb.error = `failed to set up the pod network: ${(e as Error).message}`;
      log.error('pod network setup failed', { err: (e as Error).message });
      this.changed(uid);
      return;
    }
    const resolvPath = this.store.writePodFile(uid, 'resolv.conf', resolvConf(pod, this.opts.dns));
    const hostsPath = this.store.writePodFile(uid, 'hosts', hostsFile(pod, ip, this.opts.dns.clusterDomain));
    const ctx: SandboxContext = {
      pod: () => sb.pod,
      netns: record.netns,
      podIP: ip,
      hostname: podHostname(pod),
      resolvConf: resolvPath,
      hostsFile: hostsPath,
      containerDir: (name) => this.store.containerDir(uid, name),
      logFile: (name) => this.store.logPath(uid, name),
      env: (c: Container) =>
        containerEnv(sb.pod, c, this.opts.serviceEnv?.(record.namespace, sb.pod.spec.enableServiceLinks !== false) ?? [], { podIP: ip, hostIP: this.opts.nodeIP, nodeName: this.opts.nodeName }),
      nodeBinary: this.opts.nodeBinary ?? process.execPath,
      echoServerScript: this.echoScript,
      backoff: this.opts.backoff ?? KUBELET_BACKOFF,
      saveRecord: (name, rec) => {
        record.containers[name] = rec;
        if (this.sandboxes.get(uid) === sb) this.store.save(record);
      },
      changed: () => this.changed(uid),
      log,
    };
    log.info(adopted ? 'adopting pod' : 'creating pod', { ip, netns: record.netns });
    for (const c of pod.spec.containers) {
      const rec = record.containers[c.name] ?? { restartCount: 0 };
      record.containers[c.name] = rec;
      const runner = new ContainerRunner(ctx, c, rec);
      sb.containers.set(c.name, runner);
      runner.start();
    }
    this.store.save(record);
    this.changed(uid);
  }

  private async terminateNow(uid: string, graceMs: number, pod?: Pod): Promise<void> {
    const sb = this.sandboxes.get(uid);
    const rec = sb?.record ?? this.unclaimed.get(uid) ?? this.store.load(uid);
    if (sb) {
      if (pod) sb.pod = pod;
      sb.terminating = true;
      this.changed(uid);
      await Promise.all([...sb.containers.values()].map((c) => c.kill(graceMs)));
    } else if (rec) {
      for (const c of Object.values(rec.containers)) {
        if (c.pid && isSameProcessAlive(c.pid, c.procStart)) {
          signalContainer(c.pid, 'SIGTERM');
          await waitGone(c.pid, c.procStart, graceMs);
          signalContainer(c.pid, 'SIGKILL');
          await waitGone(c.pid, c.procStart, 5000);
        }
      }
    }
    if (rec) await teardownPodNetwork(rec.netns, rec.hostVeth);
    this.ipam.release(uid);
    this.store.remove(uid);
    this.sandboxes.delete(uid);
    this.unclaimed.delete(uid);
    if (rec) this.opts.log.info('pod removed from node', { pod: `${rec.namespace}/${rec.name}`, uid });
  }

  private changed(uid: string): void {
    if (!this.opts.onChange || this.changeTimers.has(uid)) return;
    this.changeTimers.set(
      uid,
      setTimeout(() => {
        this.changeTimers.delete(uid);
        this.opts.onChange!(uid);
      }, 20),
    );
  }

  /** one operation at a time per pod */
  private serial<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(uid) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.queues.set(uid, tail);
    void tail.then(() => {
      if (this.queues.get(uid) === tail) this.queues.delete(uid);
    });
    return next;
  }
}

export function gracePeriodMs(pod: Pod): number {
  const s = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, s) * 1000;
}

/**
 * Copies the echo images' program into the state dir: the tree it was built in may sit under
 * /tmp (a CI checkout), which a pod's private /tmp would hide from the container.
 */
function installEchoServer(stateDir: string): string {
  const bin = path.join(stateDir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const f of ['echo-server.js', 'echo-format.js']) fs.copyFileSync(path.join(__dirname, f), path.join(bin, f));
  return path.join(bin, 'echo-server.js');
}
