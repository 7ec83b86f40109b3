// The etcd backend, for running several apiservers on one etcd. Every write is a single
// etcd transaction whose compare does the optimistic-concurrency check, so the check and
// the write are atomic across all apiservers. Revisions are etcd's own: an object's
// resourceVersion is its key's mod_revision. etcd acknowledges a write only after it is
// committed to a quorum's fsync'ed WAL, so an acknowledged write survives kill -9.
import { Etcd3, type IOptions, type IRequestOp, type ITxnResponse } from 'etcd3';
import type { KubeObject } from '@svcnet/api-types';
import { StoreError, withRevision, type ListResult, type Store, type StoreWatch, type StoreWatchHandlers } from './store';
import { EtcdKeys, decodeObject, encodeObject } from './etcd-keys';
import { etcdWatch } from './etcd-watch';

export interface EtcdStoreOptions {
  /** client URLs, e.g. ['http://127.0.0.1:2379'] */
  endpoints: string[];
  /** prepended to every store key; default `/registry` */
  prefix?: string;
  /** per-request deadline for unary calls; default 15s, so a dead etcd fails requests instead of hanging them */
  requestTimeoutMs?: number;
  /** passed through to the etcd3 client (auth, TLS, fault handling) */
  client?: Partial<IOptions>;
}

export class EtcdStore implements Store {
  readonly client: Etcd3;
  private readonly keys: EtcdKeys;
  private watches = new Set<StoreWatch>();
  private closed = false;

  constructor(opts: EtcdStoreOptions) {
    const timeout = opts.requestTimeoutMs ?? 15_000;
    this.keys = new EtcdKeys(opts.prefix ?? '/registry');
    // Note: etcd3 retries a call that failed with a connection error (on another host if
    // there are several). A create whose first attempt did commit then reports KeyExists;
    // callers see that like any lost race, which Kubernetes clients already handle.
    this.client = new Etcd3({
      hosts: opts.endpoints,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
      // A list of 10k Services is several MB; gRPC's default 4 MB receive limit would refuse it.
      grpcOptions: { 'grpc.max_receive_message_length': 512 * 1024 * 1024 },
      ...opts.client,
    });
  }

  async get(key: string): Promise<KubeObject | undefined> {
    const res = await this.client.kv.range({ key: this.keys.key(key) });
    return res.kvs.length > 0 ? decodeObject(res.kvs[0]) : undefined;
  }

  async list(prefix: string): Promise<ListResult> {
    // One range is one consistent snapshot; its header revision is where a watch resumes.
    const res = await this.client.kv.range(this.keys.range(prefix));
    return { items: res.kvs.map((kv) => decodeObject(kv)), revision: Number(res.header.revision) };
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    this.checkOpen();
    const k = this.keys.key(key);
    const res = await this.client.if(k, 'Create', '==', 0).then(put(k, obj)).commit();
    if (!res.succeeded) throw new StoreError('KeyExists', `key ${key} already exists`);
    return withRevision(obj, txnRevision(res));
  }

  async update(key: string, obj: KubeObject, expectedRevision?: number): Promise<KubeObject> {
    this.checkOpen();
    const k = this.keys.key(key);
    const res = await this.guarded(k, expectedRevision).then(put(k, obj)).else({ request_range: { key: k } }).commit();
    if (!res.succeeded) throw this.failure(key, res, expectedRevision);
    return withRevision(obj, txnRevision(res));
  }

  async delete(key: string, expectedRevision?: number): Promise<KubeObject> {
    this.checkOpen();
    const k = this.keys.key(key);
    const res = await this.guarded(k, expectedRevision)
      .then({ request_delete_range: { key: k, prev_kv: true } })
      .else({ request_range: { key: k } })
      .commit();
    if (!res.succeeded) throw this.failure(key, res, expectedRevision);
    const prev = res.responses[0].response_delete_range.prev_kvs[0];
    return decodeObject(prev, txnRevision(res));
  }

  watch(prefix: string, fromRevision: number, handlers: StoreWatchHandlers): StoreWatch {
    this.checkOpen();
    const w: StoreWatch = etcdWatch(this.client, this.keys, prefix, fromRevision, handlers, () => this.watches.delete(w));
    this.watches.add(w);
    return w;
  }

  async currentRevision(): Promise<number> {
    // The header of any linearizable read carries the store's current revision.
    const res = await this.client.kv.range({ ...this.keys.range(''), count_only: true });
    return Number(res.header.revision);
  }

  watcherCount(): number {
    return this.watches.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.stop();
    this.client.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }

  /** the compare of a conditional write: the expected revision, or just "the key exists" */
  private guarded(k: Buffer, expectedRevision: number | undefined) {
    return expectedRevision === undefined ? this.client.if(k, 'Create', '>', 0) : this.client.if(k, 'Mod', '==', expectedRevision);
  }

  /** why a guarded write's compare failed; the else branch read the key */
  private failure(key: string, res: ITxnResponse, expectedRevision: number | undefined): StoreError {
    const cur = res.responses[0]?.response_range?.kvs[0];
    if (!cur) return new StoreError('NotFound', `key ${key} not found`);
    return new StoreError('Conflict', `key ${key} is at revision ${cur.mod_revision}, not ${expectedRevision}`);
  }
}

function put(k: Buffer, obj: KubeObject): IRequestOp {
  return { request_put: { key: k, value: encodeObject(obj) } };
}

/** a one-write transaction commits at exactly the revision in its header */
function txnRevision(res: ITxnResponse): number {
  return Number(res.header.revision);
}
