// The controller's side of a data path worker in another network namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '@svcnet/observability';
import type { DataplaneSnapshot } from './dataplane';
import type { DataplaneHandle, FromWorker, ToWorker } from './dataplane-handle';
import type { LbSpec } from './lb-spec';
import { WORKER_SCRIPT } from './dataplane-worker';

const NETNS_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface RemoteDataplaneOptions {
  netns: string;
  iface: string;
  pool: string;
  balance: string;
  mode: string;
  healthIntervalMs: number;
  log: Logger;
  /** the worker died: the controller cannot serve without it */
  onExit: (code: number | null) => void;
}

export class RemoteDataplane implements DataplaneHandle {
  private child!: ChildProcess;
  private gen = 0;
  private waiters = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private last: DataplaneSnapshot = { lbs: [], counters: [] };
  private closing = false;

  private constructor(private readonly o: RemoteDataplaneOptions) {}

  static async start(o: RemoteDataplaneOptions): Promise<RemoteDataplane> {
    if (!NETNS_RE.test(o.netns)) throw new Error(`invalid --netns "${o.netns}"`);
    const r = new RemoteDataplane(o);
    await r.spawn();
    return r;
  }

  private spawn(): Promise<void> {
    const o = this.o;
    const child = spawn('ip', ['netns', 'exec', o.netns, process.execPath, WORKER_SCRIPT, o.iface, o.pool, o.balance, String(o.healthIntervalMs), o.netns, o.mode], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child = child;
    return new Promise((resolve, reject) => {
      let ready = false;
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let m: FromWorker;
        try {
          m = JSON.parse(line);
        } catch {
          // a line that is not JSON is the worker's own output (logs go to stderr), not a message
          return;
        }
        if (m.type === 'ready') {
          ready = true;
          resolve();
        } else if (m.type === 'snapshot') this.last = m.snapshot;
        else if (m.type === 'applied') {
          const w = this.waiters.get(m.gen);
          this.waiters.delete(m.gen);
          if (m.error) w?.reject(new Error(m.error));
          else w?.resolve();
        }
      });
      child.stdin!.on('error', () => undefined);
      child.on('exit', (code) => {
        for (const w of this.waiters.values()) w.reject(new Error('data path worker exited'));
        this.waiters.clear();
        if (!ready) reject(new Error(`data path worker in netns ${o.netns} exited with ${code} before it was ready`));
        else if (!this.closing) o.onExit(code);
      });
    });
  }

  apply(specs: LbSpec[]): Promise<void> {
    const gen = ++this.gen;
    const m: ToWorker = { type: 'apply', gen, specs };
    return new Promise((resolve, reject) => {
      this.waiters.set(gen, { resolve, reject });
      this.child.stdin!.write(JSON.stringify(m) + '\n');
    });
  }

  snapshot(): DataplaneSnapshot {
    return this.last;
  }

  close(): Promise<void> {
    this.closing = true;
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 3000);
      c.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      // Closing stdin asks the worker to stop.
      c.stdin!.end();
    });
  }
}
