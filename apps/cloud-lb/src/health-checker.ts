// Active health checks of the nodes behind the LBs: a TCP connect to a nodePort, or an HTTP
// GET of the node-agent's healthCheckNodePort (200 = has local endpoints). One check loop per
// distinct target, shared by every LB that uses it.
import * as http from 'node:http';
import * as net from 'node:net';
import type { Logger } from '@svcnet/observability';
import type { HealthCheck } from './lb-spec';

export interface TargetHealth {
  /** undefined until the first check finished */
  healthy: boolean | undefined;
  lastCheck?: string;
  lastError?: string;
  /** when healthy last changed */
  since?: string;
}

export interface HealthTarget {
  ip: string;
  check: HealthCheck;
}

export const targetId = (t: HealthTarget): string =>
  t.check.kind === 'none' ? `none:${t.ip}` : t.check.kind === 'tcp' ? `tcp:${t.ip}:${t.check.port}` : `http:${t.ip}:${t.check.port}${t.check.path}`;

export interface HealthCheckerOptions {
  intervalMs: number;
  timeoutMs: number;
  /** consecutive failures before a healthy target is taken out */
  failThreshold?: number;
  log?: Logger;
  onChange?: (id: string, h: TargetHealth) => void;
}

interface Entry {
  target: HealthTarget;
  state: TargetHealth;
  fails: number;
  timer?: NodeJS.Timeout;
  running: boolean;
}

export class HealthChecker {
  private entries = new Map<string, Entry>();
  private stopped = false;

  constructor(private readonly o: HealthCheckerOptions) {}

  /** replace the set of targets; new ones are checked at once */
  sync(targets: HealthTarget[]): void {
    const want = new Map(targets.map((t) => [targetId(t), t]));
    for (const [id, e] of this.entries) {
      if (!want.has(id)) {
        if (e.timer) clearTimeout(e.timer);
        this.entries.delete(id);
      }
    }
    for (const [id, t] of want) {
      if (this.entries.has(id)) continue;
      const e: Entry = { target: t, state: { healthy: t.check.kind === 'none' ? true : undefined }, fails: 0, running: false };
      this.entries.set(id, e);
      if (t.check.kind !== 'none') void this.runCheck(id, e);
    }
  }

  health(t: HealthTarget): TargetHealth {
    return this.entries.get(targetId(t))?.state ?? { healthy: undefined };
  }

  /**
   * Passive check: a proxied connection could not reach the node. That is as good as a failed
   * probe for a TCP check of the same port, so the node goes out at once instead of after
   * the next probes.
   */
  reportFailure(t: HealthTarget, reason: string): void {
    const e = this.entries.get(targetId(t));
    if (!e || e.target.check.kind !== 'tcp') return;
    e.fails = Math.max(e.fails, (this.o.failThreshold ?? 2) - 1);
    this.record(targetId(t), e, false, `passive: ${reason}`);
  }

  stop(): void {
    this.stopped = true;
    for (const e of this.entries.values()) if (e.timer) clearTimeout(e.timer);
    this.entries.clear();
  }

  private async runCheck(id: string, e: Entry): Promise<void> {
    if (this.stopped || this.entries.get(id) !== e || e.running) return;
    e.running = true;
    const err = await probe(e.target, this.o.timeoutMs);
    e.running = false;
    if (this.stopped || this.entries.get(id) !== e) return;
    this.record(id, e, err === undefined, err);
    e.timer = setTimeout(() => void this.runCheck(id, e), this.o.intervalMs);
  }

  private record(id: string, e: Entry, ok: boolean, err?: string): void {
    const now = new Date().toISOString();
    e.state.lastCheck = now;
    e.state.lastError = ok ? undefined : err;
    const before = e.state.healthy;
    if (ok) {
      e.fails = 0;
      e.state.healthy = true;
    } else {
      e.fails++;
      // A target never seen healthy is out at the first failure; a healthy one after the threshold.
      if (before !== true || e.fails >= (this.o.failThreshold ?? 2)) e.state.healthy = false;
    }
    if (before !== e.state.healthy) {
      e.state.since = now;
      this.o.log?.info('backend health changed', { target: id, healthy: e.state.healthy, error: e.state.lastError });
      this.o.onChange?.(id, e.state);
    }
  }
}

/** undefined when healthy, else why not */
export function probe(t: HealthTarget, timeoutMs: number): Promise<string | undefined> {
  const c = t.check;
  if (c.kind === 'none') return Promise.resolve(undefined);
  if (c.kind === 'tcp') {
    return new Promise((resolve) => {
      const s = net.connect({ host: t.ip, port: c.port });
      const done = (err?: string) => {
        clearTimeout(timer);
        s.destroy();
        resolve(err);
      };
      const timer = setTimeout(() => done(`connect timeout after ${timeoutMs} ms`), timeoutMs);
      s.once('connect', () => done());
      s.once('error', (e) => done(e.message));
    });
  }
  return new Promise((resolve) => {
    const req = http.get({ host: t.ip, port: c.port, path: c.path, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (e) => resolve(e.message));
  });
}
