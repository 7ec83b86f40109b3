// An in-memory apiserver behind the ResourceClient contract, for controller tests without a
// server: resourceVersions, uids, Conflict/NotFound/AlreadyExists, generation, watches.
import { randomUUID } from 'node:crypto';
import { ApiError, alreadyExists, conflict, notFound, type KubeObject, type ObjectList, type WatchEvent } from '@svcnet/api-types';
import type { DeleteOptions, ListOptions, ResourceClient, Watch, WatchHandlers, WatchOptions } from '../contract';

export class FakeCluster {
  rv = 0;
  private clients = new Map<string, FakeResource<KubeObject>>();
  resource<T extends KubeObject>(name: string): FakeResource<T> {
    let c = this.clients.get(name);
    if (!c) this.clients.set(name, (c = new FakeResource<KubeObject>(this, name)));
    return c as unknown as FakeResource<T>;
  }
}

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const key = (ns: string | undefined, name: string | undefined) => `${ns ?? ''}/${name}`;

export class FakeResource<T extends KubeObject> implements ResourceClient<T> {
  private objs = new Map<string, T>();
  private watchers = new Set<WatchHandlers<T>>();
  /** every write, for asserting "no writes in steady state" */
  writes: { verb: string; name: string }[] = [];

  constructor(private readonly cluster: FakeCluster, readonly resource: string) {}

  async list(opts: ListOptions = {}): Promise<ObjectList<T>> {
    const items = [...this.objs.values()].filter((o) => opts.namespace === undefined || opts.namespace === '' || o.metadata.namespace === opts.namespace);
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.cluster.rv) }, items: items.map(clone) };
  }

  async get(ns: string | undefined, name: string): Promise<T> {
    const o = this.objs.get(key(ns, name));
    if (!o) throw notFound(this.resource, name);
    return clone(o);
  }

  async create(obj: T): Promise<T> {
    const k = key(obj.metadata.namespace, obj.metadata.name);
    if (this.objs.has(k)) throw alreadyExists(this.resource, String(obj.metadata.name));
    const o = clone(obj);
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = new Date().toISOString();
    o.metadata.generation = 1;
    return this.store(o, 'ADDED', 'create');
  }

  async update(obj: T): Promise<T> {
    const cur = this.current(obj);
    const o = clone(obj);
    (o as KubeObject).status = cur.status;
    o.metadata.uid = cur.metadata.uid;
    o.metadata.creationTimestamp = cur.metadata.creationTimestamp;
    o.metadata.generation = (cur.metadata.generation ?? 1) + (JSON.stringify(cur.spec) !== JSON.stringify(o.spec) ? 1 : 0);
    return this.store(o, 'MODIFIED', 'update');
  }

  async updateStatus(obj: T): Promise<T> {
    const cur = this.current(obj);
    const o = clone(cur);
    (o as KubeObject).status = clone(obj.status);
    return this.store(o, 'MODIFIED', 'updateStatus');
  }

  async patch(): Promise<T> {
    throw new ApiError('MethodNotAllowed', 'patch is not implemented by the fake');
  }

  async delete(ns: string | undefined, name: string, opts?: DeleteOptions): Promise<T> {
    const k = key(ns, name);
    const cur = this.objs.get(k);
    if (!cur) throw notFound(this.resource, name);
    if (opts?.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid) throw conflict(this.resource, name);
    this.objs.delete(k);
    this.writes.push({ verb: 'delete', name });
    const o = clone(cur);
    o.metadata.resourceVersion = String(++this.cluster.rv);
    this.emit({ type: 'DELETED', object: o });
    return clone(o);
  }

  watch(_opts: WatchOptions, handlers: WatchHandlers<T>): Watch {
    this.watchers.add(handlers);
    return { stop: () => this.watchers.delete(handlers) };
  }

  /** test helper: the stored objects */
  items(): T[] {
    return [...this.objs.values()].map(clone);
  }

  private current(obj: T): T {
    const cur = this.objs.get(key(obj.metadata.namespace, obj.metadata.name));
    if (!cur) throw notFound(this.resource, String(obj.metadata.name));
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) throw conflict(this.resource, String(obj.metadata.name));
    return cur;
  }

  private store(o: T, type: 'ADDED' | 'MODIFIED', verb: string): T {
    o.metadata.resourceVersion = String(++this.cluster.rv);
    this.objs.set(key(o.metadata.namespace, o.metadata.name), o);
    this.writes.push({ verb, name: String(o.metadata.name) });
    this.emit({ type, object: clone(o) });
    return clone(o);
  }

  private emit(ev: WatchEvent<T>): void {
    // Delivered asynchronously, like a real watch stream.
    setImmediate(() => {
      for (const w of this.watchers) w.onEvent(clone(ev));
    });
  }
}
