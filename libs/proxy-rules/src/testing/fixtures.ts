// Small builders for Services and EndpointSlices, shared by unit and root tests.
import type { ProxyState } from '../proxy-state';
import type { EndpointSlice, Service, ServiceSpec, EndpointSlicePort, Endpoint } from '@svcnet/api-types';

export function svc(namespace: string, name: string, spec: ServiceSpec, status?: Service['status']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec, ...(status ? { status } : {}) };
}

export interface EpOpts {
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function ep(ip: string, o: EpOpts = {}): Endpoint {
  const conditions: Endpoint['conditions'] = { ready: o.ready ?? true };
  if (o.serving !== undefined) conditions.serving = o.serving;
  if (o.terminating !== undefined) conditions.terminating = o.terminating;
  return { addresses: [ip], conditions, ...(o.node ? { nodeName: o.node } : {}) };
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

// A node 'node-a' with a mix of services: named ports resolved per slice, a not-ready endpoint,
// UDP NodePort with externalTrafficPolicy Local and ClientIP affinity, a service without
// endpoints, and services the proxy must ignore.
export function sampleState(): ProxyState {
  return {
    nodeName: 'node-a',
    nodeIPs: ['192.168.200.1'],
    clusterCIDRs: ['10.244.0.0/16'],
    services: [
      svc('default', 'web', { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
      svc('default', 'dns', {
        type: 'NodePort', clusterIP: '10.96.0.53', externalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
        ports: [{ name: 'dns', protocol: 'UDP', port: 53, nodePort: 30053 }],
      }),
      svc('default', 'empty', { clusterIP: '10.96.0.99', externalIPs: ['192.168.200.50'], ports: [{ port: 8080 }] }),
      svc('default', 'headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
      svc('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
      { ...svc('default', 'other-proxy', { clusterIP: '10.96.0.77', ports: [{ port: 80 }] }), metadata: { namespace: 'default', name: 'other-proxy', labels: { 'service.kubernetes.io/service-proxy-name': 'foo' } } },
    ],
    endpointSlices: [
      // The named port "http" resolves to different numbers per slice.
      slice('default', 'web', 'web-1', [{ name: 'http', port: 8080, protocol: 'TCP' }], [ep('10.244.1.2', { node: 'node-a' }), ep('10.244.2.2', { node: 'node-b', ready: false })]),
      slice('default', 'web', 'web-2', [{ name: 'http', port: 9090, protocol: 'TCP' }], [ep('10.244.2.3', { node: 'node-b' })]),
      slice('default', 'dns', 'dns-1', [{ name: 'dns', port: 5353, protocol: 'UDP' }], [ep('10.244.1.5', { node: 'node-a' }), ep('10.244.2.5', { node: 'node-b' })]),
      slice('default', 'headless', 'h-1', [{ port: 80 }], [ep('10.244.1.9')]),
      slice('default', 'empty', 'e-1', [{ port: 8080 }], []),
    ],
  };
}

