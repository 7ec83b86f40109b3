// Small Service / EndpointSlice builders for the proxy's tests.
import type { Endpoint, EndpointSlice, EndpointSlicePort, Service, ServiceSpec } from '@svcnet/api-types';

export function svc(namespace: string, name: string, spec: ServiceSpec): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec };
}

export function ep(ip: string, o: { node?: string; ready?: boolean } = {}): Endpoint {
  return { addresses: [ip], conditions: { ready: o.ready ?? true }, ...(o.node ? { nodeName: o.node } : {}) };
}

export function slice(namespace: string, service: string, name: string, ports: EndpointSlicePort[], endpoints: Endpoint[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports,
    endpoints,
  };
}
