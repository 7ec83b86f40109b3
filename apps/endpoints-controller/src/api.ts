// What the endpoints controller reads (informer caches) and writes (typed clients).
import type { Endpoints, EndpointSlice, Node, Pod, Service } from '@svcnet/api-types';
import type { Informer, ResourceClient } from '@svcnet/api-client';

export interface EndpointsClients {
  endpoints: ResourceClient<Endpoints>;
  endpointSlices: ResourceClient<EndpointSlice>;
}

export interface EndpointsCaches {
  services: Informer<Service>;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  endpoints: Informer<Endpoints>;
  endpointSlices: Informer<EndpointSlice>;
}

/** Index of slices by "<namespace>/<kubernetes.io/service-name>". */
export const SLICES_BY_SERVICE = 'service';
