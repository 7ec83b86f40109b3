// I/O half of the endpoints controllers: for one Service key, bring its Endpoints and
// EndpointSlices to the desired state, writing only what differs.
import { LABEL_MANAGED_BY, isApiError, type EndpointSlice, type Endpoints, type KubeObject, type Service } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import { SLICES_BY_SERVICE, type EndpointsCaches, type EndpointsClients } from './api';
import { desiredEndpoints, endpointsUpdate } from './endpoints-build';
import { LABEL_SKIP_MIRROR, MANAGED_BY_MIRRORING, MANAGED_BY_SLICE_CONTROLLER } from './names';
import { hasSelector } from './pod-endpoint-state';
import { desiredSliceGroups } from './slice-build';
import { mirroredSliceGroups } from './slice-mirror';
import { mirrorSliceOwner, serviceSliceOwner } from './slice-owner';
import { reconcileSlices, type SliceOwner } from './slice-reconcile';
import type { SliceGroup } from './slice-group';
import type { WriteTracker } from './write-tracker';

export interface ServiceSyncDeps {
  clients: EndpointsClients;
  caches: EndpointsCaches;
  tracker: WriteTracker;
  log: Logger;
  /** counts writes by resource and verb (metrics) */
  onWrite(resource: string, verb: string): void;
  /** whether the informer saw this Service being deleted (vs. never having seen it) */
  serviceWasDeleted(key: string): boolean;
}

export class StaleCacheError extends Error {
  constructor(key: string) {
    super(`cache does not show our last writes for ${key} yet`);
  }
}

function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export async function syncService(deps: ServiceSyncDeps, key: string): Promise<void> {
  const { caches } = deps;
  const lookup = (resource: string, ns: string, name: string): KubeObject | undefined =>
    resource === 'endpoints' ? caches.endpoints.get(ns, name) : caches.endpointSlices.get(ns, name);
  if (deps.tracker.isStale(key, lookup)) throw new StaleCacheError(key);

  const { namespace, name } = splitKey(key);
  const svc = caches.services.get(namespace, name);
  const slices = caches.endpointSlices.byIndex(SLICES_BY_SERVICE, key);
  const managedBy = (s: EndpointSlice) => s.metadata.labels?.[LABEL_MANAGED_BY];
  const ours = slices.filter((s) => managedBy(s) === MANAGED_BY_SLICE_CONTROLLER);
  const mirrored = slices.filter((s) => managedBy(s) === MANAGED_BY_MIRRORING);

  if (!svc || svc.metadata.deletionTimestamp) {
    // The Service is gone: its Endpoints and every slice we or the mirror made go too.
    // Endpoints a user wrote before creating their Service are left alone.
    const ep = caches.endpoints.get(namespace, name);
    if (ep && (deps.serviceWasDeleted(key) || ep.metadata.labels?.[LABEL_SKIP_MIRROR] === 'true')) await deleteObject(deps, key, 'endpoints', ep);
    for (const s of [...ours, ...mirrored]) await deleteObject(deps, key, 'endpointslices', s);
    return;
  }

  if (svc.spec.type === 'ExternalName') {
    for (const s of [...ours, ...mirrored]) await deleteObject(deps, key, 'endpointslices', s);
    return;
  }

  if (hasSelector(svc)) {
    const nodeOf = (n: string) => caches.nodes.get(undefined, n);
    const pods = caches.pods.list(namespace);
    await syncEndpoints(deps, key, svc, desiredEndpoints(svc, pods, nodeOf));
    for (const s of mirrored) await deleteObject(deps, key, 'endpointslices', s);
    await applySlices(deps, key, desiredSliceGroups(svc, pods, nodeOf), ours, serviceSliceOwner(svc));
    return;
  }

  // No selector: the user owns the Endpoints; mirror them into slices.
  for (const s of ours) await deleteObject(deps, key, 'endpointslices', s);
  const ep = caches.endpoints.get(namespace, name);
  if (!ep || ep.metadata.labels?.[LABEL_SKIP_MIRROR] === 'true') {
    for (const s of mirrored) await deleteObject(deps, key, 'endpointslices', s);
    return;
  }
  await applySlices(deps, key, mirroredSliceGroups(ep), mirrored, mirrorSliceOwner(ep));
}

async function syncEndpoints(deps: ServiceSyncDeps, key: string, svc: Service, desired: Endpoints): Promise<void> {
  const existing = deps.caches.endpoints.get(svc.metadata.namespace, String(svc.metadata.name));
  const write = endpointsUpdate(existing, desired);
  if (!write) return;
  if (existing) {
    const updated = await deps.clients.endpoints.update(write);
    deps.onWrite('endpoints', 'update');
    deps.tracker.wrote(key, 'endpoints', updated);
    deps.log.info('endpoints updated', { service: key, ...summarize(write) });
  } else {
    try {
      const created = await deps.clients.endpoints.create(write);
      deps.onWrite('endpoints', 'create');
      deps.tracker.wrote(key, 'endpoints', created);
      deps.log.info('endpoints created', { service: key, ...summarize(write) });
    } catch (err) {
      if (!isApiError(err, 'AlreadyExists')) throw err;
      throw new StaleCacheError(key); // someone (a user, or our previous run) made it: read it first
    }
  }
}

function summarize(ep: Endpoints): Record<string, number> {
  let ready = 0;
  let notReady = 0;
  for (const s of ep.subsets ?? []) {
    ready += s.addresses?.length ?? 0;
    notReady += s.notReadyAddresses?.length ?? 0;
  }
  return { subsets: ep.subsets?.length ?? 0, ready, notReady };
}

async function applySlices(deps: ServiceSyncDeps, key: string, groups: SliceGroup[], existing: EndpointSlice[], owner: SliceOwner): Promise<void> {
  const plan = reconcileSlices(groups, existing, owner);
  for (const s of plan.update) {
    const updated = await deps.clients.endpointSlices.update(s);
    deps.onWrite('endpointslices', 'update');
    deps.tracker.wrote(key, 'endpointslices', updated);
  }
  for (const s of plan.create) {
    const created = await deps.clients.endpointSlices.create(s);
    deps.onWrite('endpointslices', 'create');
    deps.tracker.wrote(key, 'endpointslices', created);
  }
  for (const s of plan.delete) await deleteObject(deps, key, 'endpointslices', s);
  if (plan.create.length + plan.update.length + plan.delete.length > 0) {
    deps.log.info('endpointslices synced', {
      service: key,
      managedBy: owner.labels[LABEL_MANAGED_BY],
      created: plan.create.map((s) => s.metadata.name),
      updated: plan.update.map((s) => s.metadata.name),
      deleted: plan.delete.map((s) => s.metadata.name),
    });
  }
}

async function deleteObject(deps: ServiceSyncDeps, key: string, resource: 'endpoints' | 'endpointslices', obj: KubeObject): Promise<void> {
  const client = resource === 'endpoints' ? deps.clients.endpoints : deps.clients.endpointSlices;
  try {
    await client.delete(obj.metadata.namespace, String(obj.metadata.name), { preconditions: { uid: obj.metadata.uid } });
    deps.onWrite(resource, 'delete');
    deps.log.info(`${resource} deleted`, { service: key, name: obj.metadata.name });
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
  }
  deps.tracker.deleted(key, resource, String(obj.metadata.namespace), String(obj.metadata.name));
}
