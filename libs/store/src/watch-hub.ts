// Fans committed events out to watchers and keeps a bounded history so a watch can
// resume from an older revision. Shared by both backends' in-process delivery.
import { StoreError, type StoreEvent, type StoreWatch, type StoreWatchHandlers } from './store';

interface Watcher {
  prefix: string;
  handlers: StoreWatchHandlers;
  stopped: boolean;
}

export class WatchHub {
  private history: StoreEvent[] = [];
  private watchers = new Set<Watcher>();
  /** the oldest revision a watch may start from (exclusive) */
  private floor: number;

  constructor(private readonly capacity: number, startRevision: number) {
    this.floor = startRevision;
  }

  /** seed history after a restart (events recovered from the log, oldest first) */
  seed(events: StoreEvent[], floor: number): void {
    this.history = events.slice(-this.capacity);
    this.floor = this.history.length === events.length ? floor : this.history[0].revision - 1;
  }

  publish(ev: StoreEvent): void {
    this.history.push(ev);
    if (this.history.length > this.capacity) {
      const dropped = this.history.splice(0, this.history.length - this.capacity);
      this.floor = dropped[dropped.length - 1].revision;
    }
    for (const w of this.watchers) {
      if (!w.stopped && ev.key.startsWith(w.prefix)) this.deliver(w, ev);
    }
  }

  watch(prefix: string, fromRevision: number, handlers: StoreWatchHandlers, currentRevision: number): StoreWatch {
    const w: Watcher = { prefix, handlers, stopped: false };
    if (fromRevision < this.floor && fromRevision < currentRevision) {
      queueMicrotask(() => handlers.onError(new StoreError('Gone', `too old resource version: ${fromRevision} (${this.floor + 1})`, this.floor + 1)));
      return { stop: () => undefined };
    }
    // Replay synchronously before registering: publish() runs on the same event loop,
    // so nothing can slip between the replay and the registration.
    for (const ev of this.history) {
      if (ev.revision > fromRevision && ev.key.startsWith(prefix)) this.deliver(w, ev);
    }
    this.watchers.add(w);
    return {
      stop: () => {
        w.stopped = true;
        this.watchers.delete(w);
      },
    };
  }

  watcherCount(): number {
    return this.watchers.size;
  }

  private deliver(w: Watcher, ev: StoreEvent): void {
    try {
      w.handlers.onEvent(ev);
    } catch (err) {
      w.stopped = true;
      this.watchers.delete(w);
      w.handlers.onError(err as Error);
    }
  }
}
