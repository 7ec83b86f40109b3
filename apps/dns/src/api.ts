// The one place that touches the gRPC client: builds the four informers from
// @svcnet/api-client. Kept apart so the rest of the server compiles against the contract.
import * as apiClient from '@svcnet/api-client';
import type { Informer, ResourceClient } from '@svcnet/api-client';
import type { KubeObject } from '@svcnet/api-types';
import type { ClusterInformers } from './informers';

export interface ApiFlags {
  apiserver: string;
  insecure: boolean;
  tlsCA?: string;
  tlsCert?: string;
  tlsKey?: string;
}

// The gRPC client is being written alongside; look its exports up at run time so this
// app builds before it lands. Expected: ApiClient(opts) with resource(name) -> ResourceClient,
// and createInformer(client) -> Informer.
interface ClientModule {
  ApiClient?: new (opts: Record<string, unknown>) => { resource<T extends KubeObject>(name: string): ResourceClient<T> };
  createInformer?: <T extends KubeObject>(client: ResourceClient<T>) => Informer<T>;
}

export function createClusterInformers(f: ApiFlags): ClusterInformers {
  const mod = apiClient as unknown as ClientModule;
  if (typeof mod.ApiClient !== 'function' || typeof mod.createInformer !== 'function') {
    throw new Error('@svcnet/api-client does not export ApiClient and createInformer yet');
  }
  const client = new mod.ApiClient({ address: f.apiserver, insecure: f.insecure, ca: f.tlsCA, cert: f.tlsCert, key: f.tlsKey });
  const inf = <T extends KubeObject>(name: string) => (mod.createInformer as NonNullable<ClientModule['createInformer']>)(client.resource<T>(name));
  return {
    services: inf('services'),
    endpointSlices: inf('endpointslices'),
    pods: inf('pods'),
    namespaces: inf('namespaces'),
  };
}
