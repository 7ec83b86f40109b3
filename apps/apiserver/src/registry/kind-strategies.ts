// What differs between kinds, as in Kubernetes' registry strategies: which part a client may
// write through the main resource and which through /status, what a create resets, what an
// update keeps, what a kind allocates and frees (Service IPs and ports, Node pod CIDRs), and
// what a delete does first (graceful pod deletion, namespace termination). ApiCore runs one
// pipeline for every kind and asks the strategy at each of these points; it never branches
// on a kind itself.
import { ApiError, rfc3339, type KubeObject, type Node, type PodSpec, type Service } from '@svcnet/api-types';
import type { PodCIDRAllocator } from '@svcnet/allocators';
import { podQOSClass } from '@svcnet/validation';
import { fieldInvalidError } from './field-errors';
import { allocationOf, type ServiceAllocations } from './service-allocations';
import { prepareServiceUpdate } from './service-update-preparation';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The allocators a strategy draws from. */
export interface StrategyContext {
  services: ServiceAllocations;
  podCidrs: PodCIDRAllocator;
}

/** What a write took from the allocators: kept once the write is stored, undone if it fails or is a dry run. */
export interface Reservation {
  /** the write was stored: free what the old object held and the new one no longer does */
  commit(): Promise<void>;
  /** the write failed or was a dry run: give back what was taken for it */
  rollback(): Promise<void>;
}

/** What a delete does before (or instead of) removing the object. */
export type DeleteDecision =
  /** store this object (marked with a deletionTimestamp) instead of removing it */
  | { mark: KubeObject }
  /** already being deleted as asked: answer with it, write nothing */
  | { keep: KubeObject }
  /** nothing kind-specific: finalizers, then removal */
  | undefined;

export interface KindStrategy {
  /** has a status subresource: the main resource ignores status changes, /status ignores the rest */
  statusSubresource: boolean;
  /** reset status on create (Kubernetes does for Pods, Services, Deployments, ReplicaSets) */
  resetStatusOnCreate?: (obj: KubeObject) => void;
  /** an update of the main resource, before defaulting and validation (not for /status) */
  prepareForUpdate?: (next: KubeObject, cur: KubeObject) => void;
  /** fills in what the apiserver allocates; cur is the stored object on an update of the main resource */
  allocate?: (ctx: StrategyContext, obj: KubeObject, cur: KubeObject | undefined, dryRun: boolean) => Promise<Reservation>;
  /** frees what a removed object held */
  release?: (ctx: StrategyContext, gone: KubeObject) => Promise<void>;
  /** the first step of a delete */
  beginDelete?: (cur: KubeObject, gracePeriodSeconds: number | undefined) => DeleteDecision;
  /** a delete that marked the object: the namespace's contents are deleted, then the namespace */
  emptiesOnDelete?: boolean;
  /** an object being deleted whose last finalizer goes is removed by the update (not Pods, Namespaces) */
  removeWhenFinalized: boolean;
}

const NOTHING: Reservation = { commit: async () => undefined, rollback: async () => undefined };

function marked(obj: KubeObject, grace: number): KubeObject {
  const next = structuredClone(obj);
  next.metadata.deletionTimestamp = rfc3339(Date.now() + grace * 1000);
  next.metadata.deletionGracePeriodSeconds = grace;
  return next;
}

/** Graceful pod deletion: the pod is marked and the kubelet removes it once stopped. */
function beginPodDelete(pod: KubeObject, requested: number | undefined): DeleteDecision {
  const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  let grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
  if (grace < 0) grace = 0;
  // Unscheduled or finished pods have nothing to stop: they go at once.
  if (grace === 0 || !spec.nodeName || phase === 'Succeeded' || phase === 'Failed') {
    return (pod.metadata.finalizers?.length ?? 0) > 0 ? { mark: marked(pod, 0) } : undefined;
  }
  const prev = pod.metadata.deletionGracePeriodSeconds;
  if (pod.metadata.deletionTimestamp && prev !== undefined && prev <= grace) return { mark: pod };
  return { mark: marked(pod, grace) };
}

/** Namespace lifecycle: system namespaces stay; others turn Terminating and are emptied. */
function beginNamespaceDelete(ns: KubeObject): DeleteDecision {
  const name = ns.metadata.name!;
  if (SYSTEM_NAMESPACES.includes(name)) {
    throw new ApiError('Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  }
  if (ns.metadata.deletionTimestamp) return { keep: ns };
  const next = structuredClone(ns);
  next.metadata.deletionTimestamp = rfc3339();
  next.metadata.deletionGracePeriodSeconds = 0;
  next.status = { phase: 'Terminating' };
  return { mark: next };
}

async function allocateService(ctx: StrategyContext, obj: KubeObject, cur: KubeObject | undefined, dryRun: boolean): Promise<Reservation> {
  const release = (a: ReturnType<typeof allocationOf>) => ctx.services.release(a, { dryRun });
  if (!cur) {
    const allocation = await ctx.services.allocateForCreate(obj as Service, dryRun);
    return { commit: async () => undefined, rollback: () => release(allocation) };
  }
  const { allocated, toRelease } = await ctx.services.allocateForUpdate(obj as Service, cur as Service, dryRun);
  return { commit: () => release(toRelease), rollback: () => release(allocated) };
}

/** A new Node gets a pod CIDR, its own if it names a free one. */
async function allocateNodeCidr(ctx: StrategyContext, obj: KubeObject, cur: KubeObject | undefined): Promise<Reservation> {
  if (cur) return NOTHING;
  const node = obj as Node;
  node.spec ??= {};
  let cidr: string;
  if (node.spec.podCIDR) {
    cidr = node.spec.podCIDR;
    try {
      ctx.podCidrs.allocate(cidr);
    } catch (e) {
      throw fieldInvalidError('Node', node.metadata.name ?? '', 'spec.podCIDR', cidr, (e as Error).message);
    }
  } else {
    cidr = ctx.podCidrs.allocateNext();
    node.spec.podCIDR = cidr;
    node.spec.podCIDRs = [cidr];
  }
  return { commit: async () => undefined, rollback: async () => ctx.podCidrs.release(cidr) };
}

/** An update keeps the pod CIDR the Node was given. */
function keepNodeCidr(next: KubeObject, cur: KubeObject): void {
  const spec = cur.spec as { podCIDR?: string; podCIDRs?: string[] } | undefined;
  if (!spec?.podCIDR) return;
  (next.spec as Record<string, unknown>) ??= {};
  (next.spec as Record<string, unknown>).podCIDR = spec.podCIDR;
  (next.spec as Record<string, unknown>).podCIDRs = spec.podCIDRs;
}

const STRATEGIES: Record<string, KindStrategy> = {
  Namespace: {
    statusSubresource: true,
    resetStatusOnCreate: (o) => {
      o.status = { phase: 'Active' };
      o.spec = { finalizers: ['kubernetes'] };
    },
    beginDelete: beginNamespaceDelete,
    emptiesOnDelete: true,
    removeWhenFinalized: false,
  },
  Node: {
    statusSubresource: true,
    prepareForUpdate: keepNodeCidr,
    allocate: allocateNodeCidr,
    release: async (ctx, gone) => {
      const cidr = (gone as Node).spec?.podCIDR;
      if (cidr) ctx.podCidrs.release(cidr);
    },
    removeWhenFinalized: true,
  },
  Pod: {
    statusSubresource: true,
    resetStatusOnCreate: (o) => {
      o.status = { phase: 'Pending', qosClass: podQOSClass(o.spec as PodSpec | undefined) };
    },
    beginDelete: beginPodDelete,
    removeWhenFinalized: false,
  },
  Service: {
    statusSubresource: true,
    resetStatusOnCreate: (o) => {
      o.status = { loadBalancer: {} };
    },
    prepareForUpdate: (next, cur) => prepareServiceUpdate(next as Service, cur as Service),
    allocate: allocateService,
    release: (ctx, gone) => ctx.services.release(allocationOf(gone as Service)),
    removeWhenFinalized: true,
  },
  Deployment: { statusSubresource: true, resetStatusOnCreate: (o) => void (o.status = {}), removeWhenFinalized: true },
  ReplicaSet: { statusSubresource: true, resetStatusOnCreate: (o) => void (o.status = { replicas: 0 }), removeWhenFinalized: true },
  Endpoints: { statusSubresource: false, removeWhenFinalized: true },
  EndpointSlice: { statusSubresource: false, removeWhenFinalized: true },
  Event: { statusSubresource: false, removeWhenFinalized: true },
  ConfigMap: { statusSubresource: false, removeWhenFinalized: true },
  Secret: { statusSubresource: false, removeWhenFinalized: true },
  NetworkPolicy: { statusSubresource: false, removeWhenFinalized: true },
};

export function strategyFor(kind: string): KindStrategy {
  return STRATEGIES[kind] ?? { statusSubresource: false, removeWhenFinalized: true };
}
