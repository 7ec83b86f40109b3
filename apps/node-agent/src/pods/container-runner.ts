// One container of a pod: start from the image catalog, watch for exit, restart per
// restartPolicy with backoff, run readiness/liveness probes, stop gracefully.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Container, Pod } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import { launchPlan } from './image-catalog';
import { nginxConfig } from './nginx-config';
import { ensureFifo, isSameProcessAlive, launch, readExitCode, signalContainer, stdinFifoPath, waitGone } from './pod-process';
import { ProbeTracker, probeSettings } from './probe-tracker';
import { runProbe } from './probe-runner';
import { nextBackoff, shouldRestart, type BackoffSettings } from './restart-policy';
import type { ContainerRecord } from './state-store';
import type { ContainerState, ContainerView } from './pod-status';

/** what a container needs from its pod sandbox */
export interface SandboxContext {
  pod(): Pod;
  netns: string;
  podIP: string;
  hostname: string;
  resolvConf: string;
  hostsFile: string;
  containerDir(name: string): string;
  logFile(name: string): string;
  env(container: Container): Map<string, string>;
  nodeBinary: string;
  echoServerScript: string;
  backoff: BackoffSettings;
  /** persist this container's record */
  saveRecord(name: string, rec: ContainerRecord): void;
  changed(): void;
  log: Logger;
}

const PROBE_TICK_MS = 100;
const ADOPTED_POLL_MS = 500;

export class ContainerRunner {
  private state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  private lastState?: ContainerState;
  private restartCount: number;
  private pid?: number;
  private procStart?: string;
  private startedAtMs = 0;
  private env = new Map<string, string>();
  private readiness?: ProbeTracker;
  private liveness?: ProbeTracker;
  private probing = { readiness: false, liveness: false };
  private backoffMs?: number;
  private timers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private killedByLiveness = false;

  constructor(private readonly ctx: SandboxContext, readonly spec: Container, private readonly record: ContainerRecord) {
    this.restartCount = record.restartCount ?? 0;
    if (record.lastExit) this.lastState = { terminated: { ...record.lastExit } };
  }

  /** start fresh, or adopt the process recorded by a previous agent if it still runs */
  start(): void {
    const r = this.record;
    if (r.pid && isSameProcessAlive(r.pid, r.procStart)) {
      this.ctx.log.info('adopted running container', { container: this.spec.name, pid: r.pid });
      this.onRunning(r.pid, r.procStart, r.startedAt ? Date.parse(r.startedAt) : Date.now());
      this.pollAdopted();
      return;
    }
    if (r.pid) {
      const recorded = readExitCode(this.ctx.containerDir(this.spec.name));
      if (recorded === undefined) {
        // The wrapper never wrote an exit code: it was killed with its node (a node restart,
        // `svcnet down`), not by a crash. Like kubelet after a reboot: lastState Unknown (255),
        // one more restart, started again at once rather than after a crash-loop back-off.
        const now = new Date().toISOString();
        const terminated = { exitCode: 255, reason: 'Unknown', startedAt: r.startedAt ?? now, finishedAt: now };
        this.lastState = { terminated };
        this.record.lastExit = terminated;
        this.record.pid = undefined;
        this.restartCount++;
        this.record.restartCount = this.restartCount;
        this.ctx.log.info('container was lost with its node; starting it again', { container: this.spec.name });
        this.launchNow();
        return;
      }
      // it ended while the agent was away: account for the exit like any other
      const code = recorded;
      this.startedAtMs = r.startedAt ? Date.parse(r.startedAt) : Date.now();
      this.onExit(code);
      return;
    }
    this.launchNow();
  }

  private launchNow(): void {
    if (this.stopping) return;
    const name = this.spec.name;
    const dir = this.ctx.containerDir(name);
    const plan = launchPlan(this.spec, {
      nodeBinary: this.ctx.nodeBinary,
      echoServerScript: this.ctx.echoServerScript,
      nginxBinary: '/usr/sbin/nginx',
      nginxConfig: path.join(dir, 'nginx.conf'),
      nginxPrefix: dir,
    });
    if (!plan.ok) {
      this.state = { waiting: { reason: plan.reason, message: plan.message } };
      this.ctx.log.warn('cannot start container', { container: name, reason: plan.reason, message: plan.message });
      this.ctx.changed();
      // like kubelet: ErrImagePull first, then ImagePullBackOff while it keeps failing
      this.later(5000, () => {
        if (this.stopping) return;
        this.state = { waiting: { reason: plan.reason === 'ErrImagePull' ? 'ImagePullBackOff' : plan.reason, message: `Back-off pulling image "${this.spec.image}": ${plan.message}` } };
        this.ctx.changed();
      });
      return;
    }
    fs.mkdirSync(dir, { recursive: true });
    if (plan.kind === 'nginx') fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig({ prefix: dir }));
    this.env = this.ctx.env(this.spec);
    let launched;
    try {
      // stdin: true (kubectl run -i) gets a FIFO attach can write to; tty: true a pseudo-terminal
      // from util-linux `script`, as exec does.
      const stdinFifo = this.spec.stdin ? stdinFifoPath(dir) : undefined;
      if (stdinFifo) ensureFifo(stdinFifo);
      const argv = this.spec.tty ? ['script', '-qefc', plan.argv.map(shQuote).join(' '), '/dev/null'] : plan.argv;
      launched = launch({
        netns: this.ctx.netns,
        hostname: this.ctx.hostname,
        containerDir: dir,
        resolvConf: this.ctx.resolvConf,
        hostsFile: this.ctx.hostsFile,
        logFile: this.ctx.logFile(name),
        argv,
        env: this.spec.tty ? new Map([...this.env, ['TERM', this.env.get('TERM') ?? 'xterm']]) : this.env,
        workingDir: this.spec.workingDir,
        stdinFifo,
      });
    } catch (e) {
      this.state = { waiting: { reason: 'CreateContainerError', message: (e as Error).message } };
      this.ctx.changed();
      return;
    }
    this.ctx.log.info('started container', { container: name, pid: launched.pid, argv: plan.argv });
    this.onRunning(launched.pid, launched.procStart, Date.now());
    launched.exited.then((code) => {
      if (this.pid === launched.pid) this.onExit(code);
    });
  }

  private onRunning(pid: number, procStart: string | undefined, startedAtMs: number): void {
    this.pid = pid;
    this.procStart = procStart;
    this.startedAtMs = startedAtMs;
    this.killedByLiveness = false;
    const startedAt = new Date(startedAtMs).toISOString();
    this.state = { running: { startedAt } };
    Object.assign(this.record, { pid, procStart, startedAt, restartCount: this.restartCount });
    this.ctx.saveRecord(this.spec.name, this.record);
    this.readiness = this.spec.readinessProbe ? new ProbeTracker('readiness', probeSettings(this.spec.readinessProbe, 'readiness'), startedAtMs) : undefined;
    this.liveness = this.spec.livenessProbe ? new ProbeTracker('liveness', probeSettings(this.spec.livenessProbe, 'liveness'), startedAtMs) : undefined;
    if (this.readiness || this.liveness) this.probeLoop(pid);
    this.ctx.changed();
  }

  /** an adopted process is not our child: poll /proc for its end */
  private pollAdopted(): void {
    const pid = this.pid!;
    const tick = () => {
      if (this.pid !== pid || this.stopping) return;
      if (isSameProcessAlive(pid, this.procStart)) this.later(ADOPTED_POLL_MS, tick);
      else this.onExit(readExitCode(this.ctx.containerDir(this.spec.name)) ?? 137);
    };
    this.later(ADOPTED_POLL_MS, tick);
  }

  private onExit(exitCode: number): void {
    // the wrapper is gone; whatever of the container survived it (its group) goes too
    if (this.pid) signalContainer(this.pid, 'SIGKILL');
    const finishedAt = new Date().toISOString();
    const startedAt = new Date(this.startedAtMs).toISOString();
    const reason = exitCode === 0 ? 'Completed' : 'Error';
    const terminated = { exitCode, reason, startedAt, finishedAt };
    this.pid = undefined;
    this.record.pid = undefined;
    this.record.lastExit = terminated;
    this.readiness = this.liveness = undefined;
    this.ctx.log.info('container exited', { container: this.spec.name, exitCode, stopping: this.stopping });
    if (this.stopping) {
      this.state = { terminated };
      this.ctx.saveRecord(this.spec.name, this.record);
      this.ctx.changed();
      return;
    }
    // a liveness kill restarts even under OnFailure when the exit code happens to be 0
    const restart = this.killedByLiveness ? this.ctx.pod().spec.restartPolicy !== 'Never' : shouldRestart(this.ctx.pod().spec.restartPolicy, exitCode);
    if (!restart) {
      this.state = { terminated };
      this.ctx.saveRecord(this.spec.name, this.record);
      this.ctx.changed();
      return;
    }
    this.backoffMs = nextBackoff(this.backoffMs, Date.now() - this.startedAtMs, this.ctx.backoff);
    this.lastState = { terminated };
    this.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(this.backoffMs / 1000)}s restarting failed container=${this.spec.name} pod=${this.ctx.pod().metadata.name}_${this.ctx.pod().metadata.namespace}(${this.ctx.pod().metadata.uid})` } };
    this.ctx.saveRecord(this.spec.name, this.record);
    this.ctx.changed();
    this.later(this.backoffMs, () => {
      this.restartCount++;
      this.record.restartCount = this.restartCount;
      this.launchNow();
    });
  }

  private probeLoop(pid: number): void {
    const tick = () => {
      if (this.pid !== pid || this.stopping) return;
      const now = Date.now();
      for (const kind of ['readiness', 'liveness'] as const) {
        const tracker = this[kind];
        const probe = kind === 'readiness' ? this.spec.readinessProbe : this.spec.livenessProbe;
        if (!tracker || !probe || this.probing[kind] || !tracker.isDue(now)) continue;
        this.probing[kind] = true;
        runProbe(probe, { podIP: this.ctx.podIP, container: this.spec, pid, env: this.env }, tracker.settings.timeoutMs)
          .then((r) => {
            this.probing[kind] = false;
            if (this.pid !== pid || this[kind] !== tracker) return;
            const flipped = tracker.record(r.success, Date.now(), r.message);
            if (!r.success) this.ctx.log.debug(`${kind} probe failed`, { container: this.spec.name, message: r.message });
            if (flipped) {
              this.ctx.log.info(`${kind} changed`, { container: this.spec.name, healthy: tracker.isHealthy, message: r.message });
              if (kind === 'liveness' && !tracker.isHealthy) this.restartForLiveness(pid);
              this.ctx.changed();
            }
          })
          .catch(() => (this.probing[kind] = false));
      }
      this.later(PROBE_TICK_MS, tick);
    };
    this.later(PROBE_TICK_MS, tick);
  }

  private restartForLiveness(pid: number): void {
    this.ctx.log.info('liveness probe failed, killing container', { container: this.spec.name, pid });
    this.killedByLiveness = true;
    this.readiness = undefined; // not ready while being restarted
    const grace = (this.ctx.pod().spec.terminationGracePeriodSeconds ?? 30) * 1000;
    void this.stopProcess(pid, this.procStart, grace);
  }

  private async stopProcess(pid: number, procStart: string | undefined, graceMs: number): Promise<void> {
    signalContainer(pid, 'SIGTERM');
    if (!(await waitGone(pid, procStart, graceMs))) this.ctx.log.info('grace period over, killing', { container: this.spec.name, pid });
    // always kill the group too: nothing of the container may outlive its wrapper
    signalContainer(pid, 'SIGKILL');
    await waitGone(pid, procStart, 5000);
  }

  /** stop for good (pod deletion): SIGTERM, wait up to the grace period, SIGKILL */
  async kill(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const pid = this.pid;
    if (pid && isSameProcessAlive(pid, this.procStart)) await this.stopProcess(pid, this.procStart, graceMs);
    if (this.pid === pid && pid !== undefined) this.onExit(readExitCode(this.ctx.containerDir(this.spec.name)) ?? 137);
  }

  /** forget timers without touching the process (agent shutdown: pods keep running) */
  detach(): void {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  view(): ContainerView {
    const ready = !!this.state.running && !this.stopping && (this.spec.readinessProbe ? !!this.readiness?.isHealthy : true);
    return {
      name: this.spec.name,
      image: this.spec.image,
      state: this.state,
      lastState: this.lastState,
      ready,
      restartCount: this.restartCount,
      containerID: this.pid ? `svcnet://${this.pid}` : undefined,
    };
  }

  get processId(): number | undefined {
    return this.pid;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

const shQuote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
