// Labels and owner references a slice gets from its Service (or mirrored Endpoints).
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, isHeadless, type Endpoints, type Service } from '@svcnet/api-types';
import { LABEL_HEADLESS, LABEL_SKIP_MIRROR, MANAGED_BY_MIRRORING, MANAGED_BY_SLICE_CONTROLLER } from './names';
import type { SliceOwner } from './slice-reconcile';

export function serviceSliceOwner(svc: Service): SliceOwner {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  labels[LABEL_SERVICE_NAME] = String(svc.metadata.name);
  labels[LABEL_MANAGED_BY] = MANAGED_BY_SLICE_CONTROLLER;
  if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  return {
    namespace: String(svc.metadata.namespace),
    serviceName: String(svc.metadata.name),
    labels,
    ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: String(svc.metadata.name), uid: String(svc.metadata.uid), controller: true, blockOwnerDeletion: true }],
  };
}

/** Mirrored slices are owned by the Endpoints they copy, as in Kubernetes. */
export function mirrorSliceOwner(ep: Endpoints): SliceOwner {
  const labels: Record<string, string> = { ...(ep.metadata.labels ?? {}) };
  delete labels[LABEL_SKIP_MIRROR];
  labels[LABEL_SERVICE_NAME] = String(ep.metadata.name);
  labels[LABEL_MANAGED_BY] = MANAGED_BY_MIRRORING;
  return {
    namespace: String(ep.metadata.namespace),
    serviceName: String(ep.metadata.name),
    labels,
    ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: String(ep.metadata.name), uid: String(ep.metadata.uid), controller: true, blockOwnerDeletion: true }],
  };
}
