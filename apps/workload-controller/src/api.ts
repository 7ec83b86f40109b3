// What the workload controller reads (informer caches) and writes (typed clients).
import type { Deployment, Event, Node, Pod, ReplicaSet } from '@svcnet/api-types';
import type { Informer, ResourceClient } from '@svcnet/api-client';

export interface WorkloadClients {
  deployments: ResourceClient<Deployment>;
  replicaSets: ResourceClient<ReplicaSet>;
  pods: ResourceClient<Pod>;
  events: ResourceClient<Event>;
}

export interface WorkloadCaches {
  deployments: Informer<Deployment>;
  replicaSets: Informer<ReplicaSet>;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
}

/** Index name for "objects controlled by the owner with this uid". */
export const BY_CONTROLLER_UID = 'controllerUid';
