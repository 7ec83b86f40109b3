// List+watch with a local cache, as client-go's informers: list, then watch from the list's
// resourceVersion; on a dropped stream resume from the last seen version with backoff; on
// 410 Gone relist and deliver the difference as add/update/delete.
import type { KubeObject } from '@svcnet/api-types';
import type { Informer, InformerHandlers, ListOptions, ResourceClient, Watch } from './contract';
import { isGone } from './grpc-client';

export interface InformerOptions extends ListOptions {
  /** called on errors worth logging (watch drops, list failures) */
  onError?: (err: Error, phase: 'list' | 'watch') => void;
}

function keyOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : `${o.metadata.name}`;
}

export class CachingInformer<T extends KubeObject> implements Informer<T> {
  private cache = new Map<string, T>();
  private handlers: InformerHandlers<T>[] = [];
  private indexers = new Map<string, (o: T) => string[]>();
  private indexes = new Map<string, Map<string, Set<string>>>();
  private rv = '';
  private synced = false;
  private stopped = false;
  private current?: Watch;
  private backoffMs = 100;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly client: ResourceClient<T>,
    private readonly opts: InformerOptions = {},
  ) {}

  get resource(): string {
    return this.client.resource;
  }

  async start(): Promise<void> {
    for (;;) {
      try {
        await this.relist();
        break;
      } catch (e) {
        this.opts.onError?.(e as Error, 'list');
        if (this.stopped) return;
        await this.sleepBackoff();
      }
    }
    this.synced = true;
    this.watch();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.current?.stop();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  addIndexer(name: string, keys: (obj: T) => string[]): void {
    this.indexers.set(name, keys);
    const idx = new Map<string, Set<string>>();
    this.indexes.set(name, idx);
    for (const [k, o] of this.cache) for (const v of keys(o)) addTo(idx, v, k);
  }

  byIndex(name: string, key: string): T[] {
    const set = this.indexes.get(name)?.get(key);
    if (!set) return [];
    return [...set].map((k) => this.cache.get(k)!).filter(Boolean);
  }

  on(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
    if (this.synced) for (const o of this.cache.values()) handlers.add?.(o);
  }

  lastResourceVersion(): string {
    return this.rv;
  }

  private async relist(): Promise<void> {
    const list = await this.client.list({ namespace: this.opts.namespace, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector });
    const seen = new Set<string>();
    for (const o of list.items) {
      const k = keyOf(o);
      seen.add(k);
      this.upsert(o);
    }
    for (const [k, o] of [...this.cache]) if (!seen.has(k)) this.remove(o);
    this.rv = list.metadata.resourceVersion ?? '';
    this.backoffMs = 100;
  }

  private watch(): void {
    if (this.stopped) return;
    this.current = this.client.watch(
      { namespace: this.opts.namespace, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, resourceVersion: this.rv, allowBookmarks: true },
      {
        onEvent: (ev) => {
          this.backoffMs = 100;
          const rv = ev.object.metadata.resourceVersion;
          if (rv) this.rv = rv;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.upsert(ev.object);
          else if (ev.type === 'DELETED') this.remove(ev.object);
        },
        onClose: (err) => {
          if (this.stopped) return;
          if (err) this.opts.onError?.(err, 'watch');
          if (isGone(err)) {
            void this.relistThenWatch();
          } else {
            this.retryTimer = setTimeout(() => this.watch(), this.nextBackoff());
          }
        },
      },
    );
  }

  private async relistThenWatch(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.relist();
        this.watch();
        return;
      } catch (e) {
        this.opts.onError?.(e as Error, 'list');
        await this.sleepBackoff();
      }
    }
  }

  private upsert(o: T): void {
    const k = keyOf(o);
    const old = this.cache.get(k);
    if (old && old.metadata.resourceVersion === o.metadata.resourceVersion) return;
    if (old) this.unindex(k, old);
    this.cache.set(k, o);
    this.index(k, o);
    for (const h of this.handlers) {
      if (old) h.update?.(old, o);
      else h.add?.(o);
    }
  }

  private remove(o: T): void {
    const k = keyOf(o);
    const old = this.cache.get(k);
    if (!old) return;
    this.unindex(k, old);
    this.cache.delete(k);
    for (const h of this.handlers) h.delete?.(old);
  }

  private index(k: string, o: T): void {
    for (const [name, fn] of this.indexers) for (const v of fn(o)) addTo(this.indexes.get(name)!, v, k);
  }

  private unindex(k: string, o: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indexes.get(name)!;
      for (const v of fn(o)) idx.get(v)?.delete(k);
    }
  }

  private nextBackoff(): number {
    const b = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    return b;
  }

  private sleepBackoff(): Promise<void> {
    return new Promise((r) => {
      this.retryTimer = setTimeout(r, this.nextBackoff());
    });
  }
}

function addTo(idx: Map<string, Set<string>>, v: string, k: string): void {
  let s = idx.get(v);
  if (!s) idx.set(v, (s = new Set()));
  s.add(k);
}

export function createInformer<T extends KubeObject>(client: ResourceClient<T>, opts: InformerOptions = {}): Informer<T> {
  return new CachingInformer<T>(client, opts);
}
