// Remembers this controller's own writes per Service until the informer caches show them
// (Kubernetes' endpointSliceTracker). Syncing from a cache that lags behind our writes
// would create duplicate slices, so such a sync is postponed instead.
import type { KubeObject } from '@svcnet/api-types';

interface Pending {
  resource: string;
  namespace: string;
  name: string;
  /** resourceVersion we wrote, or undefined for a delete */
  rv?: string;
  at: number;
}

/** a >= b for resourceVersions: numeric when both are numbers, else only equality counts. */
export function rvAtLeast(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) >= BigInt(b);
  return a === b;
}

export type CacheLookup = (resource: string, namespace: string, name: string) => KubeObject | undefined;

export class WriteTracker {
  private pending = new Map<string, Pending[]>();

  constructor(private readonly timeoutMs = 10_000) {}

  wrote(owner: string, resource: string, obj: KubeObject): void {
    this.add(owner, { resource, namespace: String(obj.metadata.namespace), name: String(obj.metadata.name), rv: obj.metadata.resourceVersion, at: Date.now() });
  }

  deleted(owner: string, resource: string, namespace: string, name: string): void {
    this.add(owner, { resource, namespace, name, at: Date.now() });
  }

  /** true while some write for `owner` is not yet in the cache */
  isStale(owner: string, lookup: CacheLookup): boolean {
    const list = this.pending.get(owner);
    if (!list) return false;
    const now = Date.now();
    const left = list.filter((p) => {
      if (now - p.at > this.timeoutMs) return false;
      const cached = lookup(p.resource, p.namespace, p.name);
      if (p.rv === undefined) return !!cached && !cached.metadata.deletionTimestamp;
      return !rvAtLeast(cached?.metadata.resourceVersion, p.rv);
    });
    if (left.length) this.pending.set(owner, left);
    else this.pending.delete(owner);
    return left.length > 0;
  }

  forget(owner: string): void {
    this.pending.delete(owner);
  }

  private add(owner: string, p: Pending): void {
    const list = (this.pending.get(owner) ?? []).filter((x) => !(x.resource === p.resource && x.name === p.name && x.namespace === p.namespace));
    list.push(p);
    this.pending.set(owner, list);
  }
}
