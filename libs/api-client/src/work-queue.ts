// A keyed work queue like client-go's: a key is queued once however often it is added,
// never processed by two workers at once, and retried with exponential backoff on error.
export interface WorkQueueOptions {
  workers?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onError?: (key: string, err: unknown, attempt: number) => void;
  /** hold keys until run() is called, e.g. until every informer cache has synced */
  paused?: boolean;
}

export class WorkQueue {
  private queue: string[] = [];
  private queued = new Set<string>();
  private processing = new Set<string>();
  /** added again while being processed: run once more afterwards */
  private dirty = new Set<string>();
  private failures = new Map<string, number>();
  private timers = new Set<NodeJS.Timeout>();
  private active = 0;
  private stopped = false;
  private paused: boolean;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly handler: (key: string) => Promise<void>, private readonly opts: WorkQueueOptions = {}) {
    this.paused = !!opts.paused;
  }

  run(): void {
    this.paused = false;
    this.pump();
  }

  get length(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue = [];
    this.queued.clear();
  }

  /** resolves when nothing is queued or running (timers aside); for tests */
  idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    const workers = this.opts.workers ?? 1;
    while (!this.stopped && !this.paused && this.active < workers) {
      const idx = this.queue.findIndex((k) => !this.processing.has(k));
      if (idx < 0) break;
      const [key] = this.queue.splice(idx, 1);
      this.queued.delete(key);
      this.processing.add(key);
      this.active++;
      void this.work(key);
    }
    if (this.active === 0 && this.queue.length === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }

  private async work(key: string): Promise<void> {
    try {
      await this.handler(key);
      this.failures.delete(key);
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.opts.onError?.(key, err, n);
      const delay = Math.min((this.opts.baseDelayMs ?? 50) * 2 ** (n - 1), this.opts.maxDelayMs ?? 30_000);
      this.addAfter(key, delay);
    } finally {
      this.processing.delete(key);
      this.active--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }
}
