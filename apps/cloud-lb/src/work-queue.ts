// Keys to reconcile, one at a time, each key at most once in the queue; failures come back
// after a growing delay (client-go's rate-limited queue, small).
export class WorkQueue {
  private queue: string[] = [];
  private queued = new Set<string>();
  private failures = new Map<string, number>();
  private running = false;
  private stopped = false;
  private timers = new Set<NodeJS.Timeout>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly handle: (key: string) => Promise<void>,
    private readonly onError: (key: string, err: Error) => void,
  ) {}

  add(key: string): void {
    if (this.stopped || this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.queue.length && !this.stopped) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      try {
        await this.handle(key);
        this.failures.delete(key);
      } catch (e) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        this.onError(key, e as Error);
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.add(key);
        }, Math.min(100 * 2 ** (n - 1), 5000));
        this.timers.add(t);
      }
    }
    this.running = false;
    if (!this.queue.length) for (const w of this.idleWaiters.splice(0)) w();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }
}
