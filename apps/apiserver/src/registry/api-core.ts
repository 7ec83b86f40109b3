// The apiserver's one implementation of the resource API. gRPC and the HTTP/JSON API both
// call it, so an object behaves the same whichever way it arrives: defaulting, validation,
// allocation, optimistic concurrency, graceful pod deletion, finalizers, namespace
// lifecycle and cascading deletes of owned objects. One pipeline per verb for every kind:
// what differs between kinds is asked of kind-strategies.ts, and a dry run (dryRun=All) is
// a flag of the same pipeline that stops before the store is written and gives back what
// it allocated, so it answers what the real request would.
import {
  ApiError,
  apiVersionOf,
  alreadyExists,
  conflict,
  notFound,
  resourceByName,
  rfc3339,
  type KubeObject,
  type ObjectList,
  type ResourceInfo,
  type Service,
  type Node,
  type WatchEvent,
} from '@svcnet/api-types';
import { isStoreError, revisionOf, type Store, type StoreEvent } from '@svcnet/store';
import { parseLabelSelector, matchesRequirements, parseFieldSelector, matchesFieldSelector, SelectorParseError, FieldSelectorParseError } from '@svcnet/selectors';
import { defaultObject, validateObject, invalidError, FieldError } from '@svcnet/validation';
import { applyMergePatch, applyStrategicMergePatch, applyJsonPatch, PatchError, type JsonValue, type JsonPatchOperation } from '@svcnet/patch';
import { PodCIDRAllocator } from '@svcnet/allocators';
import { formatIPv4 } from '@svcnet/ipnet';
import type { Logger } from '@svcnet/observability';
import { listPrefix, objectKey } from './keys';
import { carryOverForUpdate, sameObject, stampForCreate } from './object-meta';
import { strategyFor, SYSTEM_NAMESPACES, type StrategyContext } from './kind-strategies';
import { ServiceAllocations } from './service-allocations';
import { MAX_REQUEST_BYTES, requestTooLarge } from './request-limits';

export { SYSTEM_NAMESPACES } from './kind-strategies';

export type PatchKind = 'merge' | 'strategic' | 'json';

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchQuery extends ListQuery {
  resourceVersion?: string;
  allowBookmarks?: boolean;
}

export interface WriteOptions {
  /** dryRun=All: run every step of the request, store nothing, keep no allocation */
  dryRun?: boolean;
}

export interface DeleteParams extends WriteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** autoscaling/v1 Scale: the scale subresource of Deployments and ReplicaSets. */
export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

/** A patch document: the request's text (gRPC), or the body a transport has decoded already. */
export type PatchBody = string | JsonValue | JsonPatchOperation[];

/** The value of a dryRun parameter: "All" or nothing, as Kubernetes accepts. */
export function parseDryRun(v: string | null | undefined): boolean {
  if (!v) return false;
  if (v === 'All') return true;
  throw new ApiError('BadRequest', `Invalid dryRun value: "${v}": supported values: "All"`);
}

export interface ApiCoreOptions {
  store: Store;
  serviceCidr: string;
  nodePortRange: [number, number];
  clusterCidr: string;
  nodeCidrMaskSize: number;
  log: Logger;
  /** how often watches get a BOOKMARK */
  bookmarkIntervalMs?: number;
}


export class ApiCore {
  readonly store: Store;
  readonly services: ServiceAllocations;
  readonly podCidrs: PodCIDRAllocator;
  private readonly log: Logger;
  private readonly bookmarkMs: number;
  private readonly allocators: StrategyContext;

  constructor(opts: ApiCoreOptions) {
    this.store = opts.store;
    this.log = opts.log;
    this.services = new ServiceAllocations(opts.store, opts.serviceCidr, opts.nodePortRange);
    this.podCidrs = new PodCIDRAllocator(opts.clusterCidr, opts.nodeCidrMaskSize);
    this.bookmarkMs = opts.bookmarkIntervalMs ?? 30_000;
    this.allocators = { services: this.services, podCidrs: this.podCidrs };
  }

  /** Restores allocators from what is stored and creates the objects every cluster has. */
  async start(): Promise<void> {
    const services = (await this.store.list('/services/')).items as Service[];
    await this.services.restore(services);
    for (const n of (await this.store.list('/nodes/')).items as Node[]) {
      const cidr = n.spec?.podCIDR;
      if (cidr) {
        try {
          this.podCidrs.allocate(cidr);
        } catch {
          /* outside the cluster CIDR */
        }
      }
    }
    for (const ns of SYSTEM_NAMESPACES) {
      if (!(await this.store.get(`/namespaces/${ns}`))) {
        await this.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      }
    }
    if (!(await this.store.get('/services/default/kubernetes'))) {
      const first = this.firstServiceIP();
      await this.create('services', 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: first, ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }] },
      });
    }
    // Finish namespace deletions a restart interrupted.
    for (const ns of (await this.store.list('/namespaces/')).items) {
      if (ns.metadata.deletionTimestamp) void this.finishNamespaceDeletion(ns.metadata.name!);
    }
  }

  firstServiceIP(): string {
    return formatIPv4(this.services.ips.cidr.base + 1);
  }

  info(resource: string): ResourceInfo {
    const info = resourceByName(resource);
    if (!info) throw new ApiError('NotFound', 'the server could not find the requested resource');
    return info;
  }

  async get(resource: string, namespace: string | undefined, name: string): Promise<KubeObject> {
    const info = this.info(resource);
    const obj = await this.store.get(objectKey(info, this.ns(info, namespace), name));
    if (!obj) throw notFound(info.resource, name, info.group);
    return obj;
  }

  async list(resource: string, q: ListQuery): Promise<ObjectList> {
    const info = this.info(resource);
    const match = this.matcher(q);
    const { items, revision } = await this.store.list(listPrefix(info, info.namespaced ? q.namespace : undefined));
    return {
      apiVersion: apiVersionOf(info),
      kind: `${info.kind}List`,
      metadata: { resourceVersion: String(revision) },
      items: items.filter(match),
    };
  }

  async create(resource: string, namespace: string | undefined, input: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const info = this.info(resource);
    const strategy = strategyFor(info.kind);
    let obj = this.checkShape(info, input);
    if (info.namespaced) {
      const ns = obj.metadata.namespace || namespace || 'default';
      if (namespace && obj.metadata.namespace && namespace !== obj.metadata.namespace) {
        throw new ApiError('BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ns;
      await this.checkNamespaceOpen(ns);
    } else {
      delete obj.metadata.namespace;
    }
    if (!obj.metadata.name && !obj.metadata.generateName) {
      throw invalidError(info.kind, '', [FieldError.required('metadata.name', 'name or generateName is required')]);
    }
    stampForCreate(obj);
    strategy.resetStatusOnCreate?.(obj);
    obj = defaultObject(info.kind, obj);
    const errs = validateObject(info.kind, obj, undefined, { beforeAllocation: true });
    if (errs.length) throw invalidError(info.kind, obj.metadata.name ?? '', errs, info.group);

    // Report an existing name as AlreadyExists before allocating: its static clusterIP or
    // nodePorts would otherwise fail as "already allocated".
    const key = objectKey(info, obj.metadata.namespace, obj.metadata.name!);
    if (await this.store.get(key)) throw alreadyExists(info.resource, obj.metadata.name!, info.group);
    const reservation = await strategy.allocate?.(this.allocators, obj, undefined, !!opts.dryRun);
    if (opts.dryRun) {
      await reservation?.rollback();
      return obj;
    }
    try {
      const created = await this.store.create(key, obj);
      await reservation?.commit();
      return created;
    } catch (e) {
      await reservation?.rollback();
      if (isStoreError(e, 'KeyExists')) throw alreadyExists(info.resource, obj.metadata.name!, info.group);
      throw e;
    }
  }

  async update(resource: string, namespace: string | undefined, input: KubeObject, subresource = '', opts: WriteOptions = {}): Promise<KubeObject> {
    const info = this.info(resource);
    const obj = this.checkShape(info, input);
    const name = obj.metadata.name;
    if (!name) throw invalidError(info.kind, '', [FieldError.required('metadata.name', 'name is required')]);
    const ns = this.ns(info, obj.metadata.namespace || namespace);
    const key = objectKey(info, ns, name);
    const cur = await this.store.get(key);
    if (!cur) throw notFound(info.resource, name, info.group);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(info.resource, name, info.group);
    }
    return this.writeUpdate(info, key, cur, obj, subresource, opts);
  }

  async patch(resource: string, namespace: string | undefined, name: string, patch: PatchBody, kind: PatchKind, subresource = '', opts: WriteOptions = {}): Promise<KubeObject> {
    const info = this.info(resource);
    const key = objectKey(info, this.ns(info, namespace), name);
    let patchDoc: unknown = patch;
    if (typeof patch === 'string') {
      try {
        patchDoc = JSON.parse(patch);
      } catch (e) {
        throw new ApiError('BadRequest', `error decoding patch: ${(e as Error).message}`);
      }
    }
    for (let attempt = 0; ; attempt++) {
      const cur = await this.store.get(key);
      if (!cur) throw notFound(info.resource, name, info.group);
      let next: unknown;
      try {
        if (kind === 'json') next = applyJsonPatch(cur as unknown as JsonValue, patchDoc as JsonPatchOperation[]);
        else if (kind === 'strategic') next = applyStrategicMergePatch(cur as unknown as JsonValue, patchDoc as JsonValue, info.kind);
        else next = applyMergePatch(cur as unknown as JsonValue, patchDoc as JsonValue);
      } catch (e) {
        if (e instanceof PatchError) throw new ApiError(kind === 'json' ? 'Invalid' : 'BadRequest', e.message);
        throw e;
      }
      const obj = this.checkShape(info, next as KubeObject);
      const pinned = (patchDoc as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
      if (pinned && pinned !== cur.metadata.resourceVersion) throw conflict(info.resource, name, info.group);
      try {
        return await this.writeUpdate(info, key, cur, obj, subresource, opts);
      } catch (e) {
        // A patch is computed against what is stored: on a race, recompute, unless pinned.
        if (e instanceof ApiError && e.reason === 'Conflict' && !pinned && attempt < 5) continue;
        throw e;
      }
    }
  }

  async delete(resource: string, namespace: string | undefined, name: string, params: DeleteParams = {}): Promise<KubeObject> {
    const info = this.info(resource);
    const ns = this.ns(info, namespace);
    const key = objectKey(info, ns, name);
    const cur = await this.store.get(key);
    if (!cur) throw notFound(info.resource, name, info.group);
    const pre = params.preconditions;
    if (pre?.uid && pre.uid !== cur.metadata.uid) {
      throw new ApiError('Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw new ApiError('Conflict', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
    }
    const strategy = strategyFor(info.kind);
    const dryRun = !!params.dryRun;
    const decision = strategy.beginDelete?.(cur, params.gracePeriodSeconds);
    if (decision) {
      const out = 'keep' in decision ? decision.keep : await this.storeUpdate(info, key, cur, decision.mark, dryRun);
      if (strategy.emptiesOnDelete && !dryRun) void this.finishNamespaceDeletion(cur.metadata.name!);
      return out;
    }
    if ((cur.metadata.finalizers?.length ?? 0) > 0) {
      if (cur.metadata.deletionTimestamp) return cur;
      const marked = structuredClone(cur);
      marked.metadata.deletionTimestamp = rfc3339();
      marked.metadata.deletionGracePeriodSeconds = 0;
      return this.storeUpdate(info, key, cur, marked, dryRun);
    }
    return this.remove(info, key, cur, dryRun);
  }

  /** deletecollection: deletes what the selectors match; objects already gone are skipped. */
  async deleteCollection(resource: string, q: ListQuery, params: DeleteParams = {}): Promise<ObjectList> {
    const info = this.info(resource);
    const list = await this.list(resource, q);
    const deleted: KubeObject[] = [];
    for (const o of list.items) {
      try {
        deleted.push(await this.delete(info.resource, o.metadata.namespace, o.metadata.name!, params));
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
      }
    }
    return { apiVersion: apiVersionOf(info), kind: `${info.kind}List`, metadata: {}, items: deleted };
  }

  /** GET .../scale */
  async getScale(resource: string, namespace: string | undefined, name: string): Promise<Scale> {
    return scaleOf(await this.get(this.scalable(resource), namespace, name));
  }

  /** PUT .../scale: sets spec.replicas through the one update pipeline. */
  async updateScale(resource: string, namespace: string | undefined, name: string, replicas: unknown, opts: WriteOptions = {}): Promise<Scale> {
    this.scalable(resource);
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      throw new ApiError('BadRequest', `Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
    }
    return scaleOf(await this.patch(resource, namespace, name, { spec: { replicas } }, 'merge', '', opts));
  }

  /**
   * Watch events for a resource from a resourceVersion. "" and "0" start with ADDED events
   * for what exists now, as Kubernetes does. Returns a stop function.
   */
  async watch(resource: string, q: WatchQuery, onEvent: (ev: WatchEvent) => void, onClose: (err?: Error) => void): Promise<() => void> {
    const info = this.info(resource);
    const match = this.matcher(q);
    const prefix = listPrefix(info, info.namespaced ? q.namespace : undefined);
    let from: number;
    if (!q.resourceVersion || q.resourceVersion === '0') {
      const { items, revision } = await this.store.list(prefix);
      for (const o of items) if (match(o)) onEvent({ type: 'ADDED', object: o });
      from = revision;
    } else {
      from = Number(q.resourceVersion);
      if (!Number.isInteger(from) || from < 0) throw new ApiError('BadRequest', `invalid resource version: ${q.resourceVersion}`);
    }
    let last = from;
    let closed = false;
    const close = (err?: Error) => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      w.stop();
      onClose(err);
    };
    const w = this.store.watch(prefix, from, {
      onEvent: (ev) => {
        last = ev.revision;
        const out = translateEvent(ev, match);
        if (out) onEvent(out);
      },
      onError: (err) => {
        if (isStoreError(err, 'Gone')) close(new ApiError('Gone', `too old resource version: ${from} (${err.oldestRevision ?? ''})`));
        else close(err);
      },
    });
    const timer = setInterval(() => {
      if (q.allowBookmarks) {
        void this.store.currentRevision().then((rev) => {
          if (!closed) onEvent({ type: 'BOOKMARK', object: { apiVersion: apiVersionOf(info), kind: info.kind, metadata: { resourceVersion: String(Math.max(rev, last)) } } });
        });
      }
    }, this.bookmarkMs);
    timer.unref();
    return () => close();
  }

  // ---- internals ----

  private scalable(resource: string): string {
    const info = this.info(resource);
    if (!info.subresources.includes('scale')) throw new ApiError('NotFound', 'the server could not find the requested resource');
    return info.resource;
  }

  private ns(info: ResourceInfo, namespace: string | undefined): string | undefined {
    return info.namespaced ? namespace || 'default' : undefined;
  }

  private matcher(q: ListQuery): (o: KubeObject) => boolean {
    try {
      const labels = parseLabelSelector(q.labelSelector);
      const fields = parseFieldSelector(q.fieldSelector);
      return (o) => matchesRequirements(labels, o.metadata.labels) && matchesFieldSelector(fields, o);
    } catch (e) {
      if (e instanceof SelectorParseError || e instanceof FieldSelectorParseError) throw new ApiError('BadRequest', e.message);
      throw e;
    }
  }

  /** A deep copy with kind/apiVersion checked and filled in; too-large objects refused. */
  private checkShape(info: ResourceInfo, input: KubeObject): KubeObject {
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw new ApiError('BadRequest', 'the body of the request was in an unknown format');
    const text = JSON.stringify(input);
    if (Buffer.byteLength(text) > MAX_REQUEST_BYTES) throw requestTooLarge();
    const obj = JSON.parse(text) as KubeObject;
    if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
    if (obj.kind && obj.kind !== info.kind) {
      throw new ApiError('BadRequest', `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(info)}) for kind ${obj.kind}`);
    }
    if (obj.apiVersion && obj.apiVersion !== apiVersionOf(info)) {
      throw new ApiError('BadRequest', `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(info)})`);
    }
    obj.kind = info.kind;
    obj.apiVersion = apiVersionOf(info);
    return obj;
  }

  private async checkNamespaceOpen(ns: string): Promise<void> {
    const n = await this.store.get(`/namespaces/${ns}`);
    if (!n) throw notFound('namespaces', ns);
    if (n.metadata.deletionTimestamp) {
      throw new ApiError('Forbidden', `unable to create new content in namespace ${ns} because it is being terminated`);
    }
  }

  private async writeUpdate(info: ResourceInfo, key: string, cur: KubeObject, obj: KubeObject, subresource: string, opts: WriteOptions): Promise<KubeObject> {
    const dryRun = !!opts.dryRun;
    const strategy = strategyFor(info.kind);
    let next: KubeObject;
    if (subresource === 'status') {
      if (!strategy.statusSubresource) throw new ApiError('NotFound', 'the server could not find the requested resource');
      next = structuredClone(cur);
      next.status = obj.status;
    } else {
      next = obj;
      if (strategy.statusSubresource && 'status' in cur) next.status = cur.status;
      else if (strategy.statusSubresource) delete next.status;
    }
    carryOverForUpdate(next, cur);
    delete next.metadata.resourceVersion;
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    if (subresource !== 'status') strategy.prepareForUpdate?.(next, cur);
    next = defaultObject(info.kind, next);
    const errs = validateObject(info.kind, next, cur, { beforeAllocation: true });
    if (errs.length) throw invalidError(info.kind, next.metadata.name ?? '', errs, info.group);

    // Finalizers all gone on an object being deleted: the delete completes now.
    if (next.metadata.deletionTimestamp && strategy.removeWhenFinalized && (next.metadata.finalizers?.length ?? 0) === 0) {
      return this.remove(info, key, cur, dryRun);
    }
    if (sameObject(next, cur)) return cur;

    const reservation = subresource !== 'status' ? await strategy.allocate?.(this.allocators, next, cur, dryRun) : undefined;
    if (dryRun) {
      await reservation?.rollback();
      return next;
    }
    try {
      const stored = await this.storeUpdate(info, key, cur, next);
      await reservation?.commit();
      return stored;
    } catch (e) {
      await reservation?.rollback();
      throw e;
    }
  }

  /** Writes an update of cur; a dry run answers with it unwritten. */
  private async storeUpdate(info: ResourceInfo, key: string, cur: KubeObject, next: KubeObject, dryRun = false): Promise<KubeObject> {
    if (dryRun) return next;
    try {
      return await this.store.update(key, next, revisionOf(cur));
    } catch (e) {
      if (isStoreError(e, 'Conflict')) throw conflict(info.resource, cur.metadata.name!, info.group);
      if (isStoreError(e, 'NotFound')) throw notFound(info.resource, cur.metadata.name!, info.group);
      throw e;
    }
  }

  /** Removes the object for good, frees what it held and deletes what it owned. */
  private async remove(info: ResourceInfo, key: string, cur: KubeObject, dryRun = false): Promise<KubeObject> {
    if (dryRun) return cur;
    let gone: KubeObject;
    try {
      gone = await this.store.delete(key, revisionOf(cur));
    } catch (e) {
      if (isStoreError(e, 'Conflict')) throw conflict(info.resource, cur.metadata.name!, info.group);
      if (isStoreError(e, 'NotFound')) throw notFound(info.resource, cur.metadata.name!, info.group);
      throw e;
    }
    await strategyFor(info.kind).release?.(this.allocators, cur);
    if (info.namespaced && cur.metadata.uid) void this.deleteDependents(cur.metadata.namespace!, cur.metadata.uid);
    return gone;
  }

  /** Background cascading deletion, as Kubernetes' garbage collector does by ownerReferences. */
  private async deleteDependents(namespace: string, ownerUid: string): Promise<void> {
    for (const resource of ['deployments', 'replicasets', 'pods', 'endpointslices', 'endpoints']) {
      const info = this.info(resource);
      const { items } = await this.store.list(listPrefix(info, namespace));
      for (const o of items) {
        if (o.metadata.ownerReferences?.some((r) => r.uid === ownerUid)) {
          await this.delete(resource, namespace, o.metadata.name!).catch((e) => {
            if (!(e instanceof ApiError && e.reason === 'NotFound')) this.log.warn('cascading delete failed', { resource, name: o.metadata.name, error: e });
          });
        }
      }
    }
  }

  /** Deletes everything in the namespace, waits for pods to go, then the namespace itself. */
  private async finishNamespaceDeletion(name: string): Promise<void> {
    const order = ['deployments', 'replicasets', 'services', 'pods', 'endpointslices', 'endpoints', 'configmaps', 'secrets', 'networkpolicies', 'events'];
    const deadline = Date.now() + 120_000;
    try {
      for (;;) {
        let remaining = 0;
        for (const resource of order) {
          const info = this.info(resource);
          const { items } = await this.store.list(listPrefix(info, name));
          remaining += items.length;
          for (const o of items) {
            const force = Date.now() > deadline;
            await this.delete(resource, name, o.metadata.name!, force ? { gracePeriodSeconds: 0 } : {}).catch(() => undefined);
          }
        }
        if (remaining === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const cur = await this.store.get(`/namespaces/${name}`);
      if (cur) await this.store.delete(`/namespaces/${name}`).catch(() => undefined);
      this.log.info('namespace deleted', { namespace: name });
    } catch (e) {
      this.log.error('namespace deletion failed', { namespace: name, error: e });
    }
  }
}

function scaleOf(obj: KubeObject): Scale {
  const spec = obj.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = obj.status as { replicas?: number } | undefined;
  const sel = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status?.replicas ?? 0, selector: sel },
  };
}

/** Store event -> watch event, with selector transitions turned into ADDED/DELETED. */
function translateEvent(ev: StoreEvent, match: (o: KubeObject) => boolean): WatchEvent | undefined {
  if (ev.type === 'delete') return match(ev.object) ? { type: 'DELETED', object: ev.object } : undefined;
  const now = match(ev.object);
  const before = ev.prevObject ? match(ev.prevObject) : false;
  if (!ev.prevObject) return now ? { type: 'ADDED', object: ev.object } : undefined;
  if (now && before) return { type: 'MODIFIED', object: ev.object };
  if (now) return { type: 'ADDED', object: ev.object };
  if (before) return { type: 'DELETED', object: ev.object };
  return undefined;
}
