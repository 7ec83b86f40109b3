// SyncRunner decides when the proxy syncs, like kube-proxy's BoundedFrequencyRunner:
// - request() asks for an incremental sync; requests arriving within minIntervalMs of the
//   previous sync's start are batched into one sync at the end of that interval;
// - a full sync runs at start, every fullIntervalMs, and after a failed sync (with backoff);
// - never two syncs at once: a request during a sync runs after it.
// Timers are injected so the logic is tested without waiting.

export type SyncKind = 'full' | 'incremental';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface SyncRunnerOptions {
  minIntervalMs: number;
  fullIntervalMs: number;
  // Retry delay after a failure; doubles up to fullIntervalMs.
  retryMs?: number;
  sync: (kind: SyncKind) => Promise<void>;
  onError?: (err: unknown, kind: SyncKind) => void;
  clock?: Clock;
}

export class SyncRunner {
  private readonly clock: Clock;
  private running = false;
  private stopped = true;
  private pending: SyncKind | undefined;
  private lastStart = -Infinity;
  private lastFull = -Infinity;
  private timer: unknown;
  private timerAt = Infinity;
  private failures = 0;

  constructor(private readonly opts: SyncRunnerOptions) {
    this.clock = opts.clock ?? realClock;
  }

  // Begins with a full sync.
  start(): void {
    this.stopped = false;
    this.pending = 'full';
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
  }

  request(kind: SyncKind = 'incremental'): void {
    if (this.pending !== 'full') this.pending = kind;
    this.schedule();
  }

  isRunning(): boolean {
    return this.running;
  }

  // When the next sync may start, given what is pending.
  private nextAt(): number {
    const now = this.clock.now();
    const periodic = this.lastFull + this.opts.fullIntervalMs;
    if (this.pending === undefined) return periodic;
    const earliest = this.lastStart + this.backoff();
    return Math.max(now, Math.min(earliest, periodic));
  }

  private backoff(): number {
    if (this.failures === 0) return this.opts.minIntervalMs;
    const retry = this.opts.retryMs ?? 1000;
    return Math.min(this.opts.fullIntervalMs, Math.max(this.opts.minIntervalMs, retry * 2 ** (this.failures - 1)));
  }

  private schedule(): void {
    if (this.stopped || this.running) return;
    const at = this.nextAt();
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.cancelTimer();
    this.timerAt = at;
    // Even "now" goes through a timer, so events of the same tick share one sync.
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.fire();
    }, Math.max(0, at - this.clock.now()));
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private async fire(): Promise<void> {
    if (this.stopped || this.running) return;
    const now = this.clock.now();
    const kind: SyncKind = this.pending === 'full' || now >= this.lastFull + this.opts.fullIntervalMs ? 'full' : 'incremental';
    this.pending = undefined;
    this.running = true;
    this.lastStart = now;
    if (kind === 'full') this.lastFull = now;
    try {
      await this.opts.sync(kind);
      this.failures = 0;
    } catch (err) {
      this.failures++;
      // After a failure nothing is known about the kernel: the retry reads it back.
      this.pending = 'full';
      this.opts.onError?.(err, kind);
    } finally {
      this.running = false;
    }
    this.schedule();
  }
}
