// The apiserver's one implementation of the resource API. gRPC and the HTTP/JSON API both
// call it, so an object behaves the same whichever way it arrives: defaulting, validation,
// allocation, optimistic concurrency, graceful pod deletion, finalizers, namespace
// lifecycle and cascading deletes of owned objects.
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
import { strategyFor } from './kind-strategies';
import { ServiceAllocations, allocationOf, emptyAllocation } from './service-allocations';
import { fieldInvalidError } from './field-errors';
import { prepareServiceUpdate } from './service-update-preparation';

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

export interface DeleteParams {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
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

const MAX_OBJECT_BYTES = 1536 * 1024;
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class ApiCore {
  readonly store: Store;
  readonly services: ServiceAllocations;
  readonly podCidrs: PodCIDRAllocator;
  private readonly log: Logger;
  private readonly bookmarkMs: number;

  constructor(opts: ApiCoreOptions) {
    this.store = opts.store;
    this.log = opts.log;
    this.services = new ServiceAllocations(opts.store, opts.serviceCidr, opts.nodePortRange);
    this.podCidrs = new PodCIDRAllocator(opts.clusterCidr, opts.nodeCidrMaskSize);
    this.bookmarkMs = opts.bookmarkIntervalMs ?? 30_000;
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

  async create(resource: string, namespace: string | undefined, input: KubeObject): Promise<KubeObject> {
    const info = this.info(resource);
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
    strategyFor(info.kind).resetStatusOnCreate?.(obj);
    obj = defaultObject(info.kind, obj);
    const errs = validateObject(info.kind, obj, undefined, { beforeAllocation: true });
    if (errs.length) throw invalidError(info.kind, obj.metadata.name ?? '', errs, info.group);

    // Report an existing name as AlreadyExists before allocating: its static clusterIP or
    // nodePorts would otherwise fail as "already allocated".
    const key = objectKey(info, obj.metadata.namespace, obj.metadata.name!);
    if (await this.store.get(key)) throw alreadyExists(info.resource, obj.metadata.name!, info.group);
    let allocation = emptyAllocation();
    if (info.kind === 'Service') allocation = await this.services.allocateForCreate(obj as Service);
    let podCidr: string | undefined;
    if (info.kind === 'Node') podCidr = this.assignPodCidr(obj as Node);
    try {
      return await this.store.create(key, obj);
    } catch (e) {
      await this.services.release(allocation);
      if (podCidr) this.podCidrs.release(podCidr);
      if (isStoreError(e, 'KeyExists')) throw alreadyExists(info.resource, obj.metadata.name!, info.group);
      throw e;
    }
  }

  async update(resource: string, namespace: string | undefined, input: KubeObject, subresource = ''): Promise<KubeObject> {
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
    return this.writeUpdate(info, key, cur, obj, subresource);
  }

  async patch(resource: string, namespace: string | undefined, name: string, patchText: string, kind: PatchKind, subresource = ''): Promise<KubeObject> {
    const info = this.info(resource);
    const key = objectKey(info, this.ns(info, namespace), name);
    let patchDoc: unknown;
    try {
      patchDoc = JSON.parse(patchText);
    } catch (e) {
      throw new ApiError('BadRequest', `error decoding patch: ${(e as Error).message}`);
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
        return await this.writeUpdate(info, key, cur, obj, subresource);
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
    if (info.kind === 'Namespace') return this.deleteNamespace(cur);
    if (info.kind === 'Pod') {
      const graceful = this.gracefulPodDeletion(cur, params.gracePeriodSeconds);
      if (graceful) return this.storeUpdate(info, key, cur, graceful);
    }
    if ((cur.metadata.finalizers?.length ?? 0) > 0) {
      if (cur.metadata.deletionTimestamp) return cur;
      const marked = structuredClone(cur);
      marked.metadata.deletionTimestamp = rfc3339();
      marked.metadata.deletionGracePeriodSeconds = 0;
      return this.storeUpdate(info, key, cur, marked);
    }
    return this.remove(info, key, cur);
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
    if (text.length > MAX_OBJECT_BYTES) throw new ApiError('RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
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

  private assignPodCidr(node: Node): string | undefined {
    node.spec ??= {};
    if (node.spec.podCIDR) {
      try {
        this.podCidrs.allocate(node.spec.podCIDR);
        return node.spec.podCIDR;
      } catch (e) {
        throw fieldInvalidError('Node', node.metadata.name ?? '', 'spec.podCIDR', node.spec.podCIDR, (e as Error).message);
      }
    }
    const cidr = this.podCidrs.allocateNext();
    node.spec.podCIDR = cidr;
    node.spec.podCIDRs = [cidr];
    return cidr;
  }

  private async writeUpdate(info: ResourceInfo, key: string, cur: KubeObject, obj: KubeObject, subresource: string): Promise<KubeObject> {
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
    if (info.kind === 'Node' && cur.spec && (cur.spec as { podCIDR?: string }).podCIDR) {
      (next.spec as Record<string, unknown>) ??= {};
      (next.spec as Record<string, unknown>).podCIDR = (cur.spec as { podCIDR?: string }).podCIDR;
      (next.spec as Record<string, unknown>).podCIDRs = (cur.spec as { podCIDRs?: string[] }).podCIDRs;
    }
    if (info.kind === 'Service' && subresource !== 'status') prepareServiceUpdate(next as Service, cur as Service);
    next = defaultObject(info.kind, next);
    const errs = validateObject(info.kind, next, cur, { beforeAllocation: true });
    if (errs.length) throw invalidError(info.kind, next.metadata.name ?? '', errs, info.group);

    // Finalizers all gone on an object being deleted: the delete completes now.
    if (next.metadata.deletionTimestamp && info.kind !== 'Pod' && info.kind !== 'Namespace' && (next.metadata.finalizers?.length ?? 0) === 0) {
      return this.remove(info, key, cur);
    }
    if (sameObject(next, cur)) return cur;

    if (info.kind === 'Service' && subresource !== 'status') {
      const { allocated, toRelease } = await this.services.allocateForUpdate(next as Service, cur as Service);
      try {
        const stored = await this.storeUpdate(info, key, cur, next);
        await this.services.release(toRelease);
        return stored;
      } catch (e) {
        await this.services.release(allocated);
        throw e;
      }
    }
    return this.storeUpdate(info, key, cur, next);
  }

  private async storeUpdate(info: ResourceInfo, key: string, cur: KubeObject, next: KubeObject): Promise<KubeObject> {
    try {
      return await this.store.update(key, next, revisionOf(cur));
    } catch (e) {
      if (isStoreError(e, 'Conflict')) throw conflict(info.resource, cur.metadata.name!, info.group);
      if (isStoreError(e, 'NotFound')) throw notFound(info.resource, cur.metadata.name!, info.group);
      throw e;
    }
  }

  /** Removes the object for good, frees what it held and deletes what it owned. */
  private async remove(info: ResourceInfo, key: string, cur: KubeObject): Promise<KubeObject> {
    let gone: KubeObject;
    try {
      gone = await this.store.delete(key, revisionOf(cur));
    } catch (e) {
      if (isStoreError(e, 'Conflict')) throw conflict(info.resource, cur.metadata.name!, info.group);
      if (isStoreError(e, 'NotFound')) throw notFound(info.resource, cur.metadata.name!, info.group);
      throw e;
    }
    if (info.kind === 'Service') await this.services.release(allocationOf(cur as Service));
    if (info.kind === 'Node') {
      const cidr = (cur as Node).spec?.podCIDR;
      if (cidr) this.podCidrs.release(cidr);
    }
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

  /** Returns the pod marked for graceful deletion, or undefined to delete it now. */
  private gracefulPodDeletion(pod: KubeObject, requested: number | undefined): KubeObject | undefined {
    const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    let grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
    if (grace < 0) grace = 0;
    // Unscheduled or finished pods have nothing to stop: they go at once.
    if (grace === 0 || !spec.nodeName || phase === 'Succeeded' || phase === 'Failed') {
      return (pod.metadata.finalizers?.length ?? 0) > 0 ? this.markDeleted(pod, 0) : undefined;
    }
    const prev = pod.metadata.deletionGracePeriodSeconds;
    if (pod.metadata.deletionTimestamp && prev !== undefined && prev <= grace) return pod;
    return this.markDeleted(pod, grace);
  }

  private markDeleted(obj: KubeObject, grace: number): KubeObject {
    const next = structuredClone(obj);
    next.metadata.deletionTimestamp = rfc3339(Date.now() + grace * 1000);
    next.metadata.deletionGracePeriodSeconds = grace;
    return next;
  }

  private async deleteNamespace(ns: KubeObject): Promise<KubeObject> {
    const name = ns.metadata.name!;
    if (SYSTEM_NAMESPACES.includes(name)) {
      throw new ApiError('Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    }
    let marked = ns;
    if (!ns.metadata.deletionTimestamp) {
      const next = structuredClone(ns);
      next.metadata.deletionTimestamp = rfc3339();
      next.metadata.deletionGracePeriodSeconds = 0;
      next.status = { phase: 'Terminating' };
      marked = await this.storeUpdate(this.info('namespaces'), `/namespaces/${name}`, ns, next);
    }
    void this.finishNamespaceDeletion(name);
    return marked;
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
