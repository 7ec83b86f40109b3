// The one place that touches the gRPC client: builds the four informers from
// @svcnet/api-client with the shared client flags.
import { clientFromFlags, createInformer } from '@svcnet/api-client';
import type { ApiClient } from '@svcnet/api-client';
import type { EndpointSlice, Namespace, Pod, Service } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import type { ClusterInformers } from './informers';

export function createClusterInformers(flags: Record<string, string | undefined>, log?: Logger): { client: ApiClient; informers: ClusterInformers } {
  const client = clientFromFlags(flags);
  const onError = (resource: string) => (err: Error, phase: 'list' | 'watch') => log?.warn('informer error', { resource, phase, err });
  return {
    client,
    informers: {
      services: createInformer<Service>(client.resource('services'), { onError: onError('services') }),
      endpointSlices: createInformer<EndpointSlice>(client.resource('endpointslices'), { onError: onError('endpointslices') }),
      pods: createInformer<Pod>(client.resource('pods'), { onError: onError('pods') }),
      namespaces: createInformer<Namespace>(client.resource('namespaces'), { onError: onError('namespaces') }),
    },
  };
}
