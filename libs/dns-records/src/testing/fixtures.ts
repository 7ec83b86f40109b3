// A small cluster in Kubernetes objects, shared by the records tests and the server's
// tests so both talk about the same names.
import type { EndpointSlice, Pod, Service } from '@svcnet/api-types';
import { LABEL_SERVICE_NAME } from '@svcnet/api-types';
import { ClusterIndex } from '../cluster-index';

export function svc(ns: string, name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec };
}

export function slice(ns: string, service: string, name: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = []): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: ns, name, labels: { [LABEL_SERVICE_NAME]: service } },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

export function pod(ns: string, name: string, ip: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] } };
}

/** The fixture cluster; `bigEndpoints` adds headless service "big" with that many endpoints. */
export function sampleCluster(bigEndpoints = 0): ClusterIndex {
  const idx = new ClusterIndex();
  idx.upsertService(svc('default', 'web', { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }, { port: 8080 }] }));
  idx.upsertService(svc('default', 'dual', { clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11', 'fd00::11'], ports: [{ port: 80 }] }));
  idx.upsertService(svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
  idx.upsertEndpointSlice(
    slice('default', 'db', 'db-abc', [
      { addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } },
      { addresses: ['10.244.1.6'], conditions: { ready: true } },
      { addresses: ['10.244.1.7'], hostname: 'db-2', conditions: { ready: false } },
    ], [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
  );
  idx.upsertService(svc('default', 'pub', { clusterIP: 'None', publishNotReadyAddresses: true }));
  idx.upsertEndpointSlice(slice('default', 'pub', 'pub-1', [{ addresses: ['10.244.2.9'], conditions: { ready: false } }]));
  idx.upsertService(svc('default', 'empty', { clusterIP: 'None' }));
  idx.upsertService(svc('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }));
  idx.upsertService(svc('default', 'extlocal', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }));
  idx.upsertPod(pod('default', 'db-0', '10.244.1.5'));
  idx.upsertNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
  if (bigEndpoints > 0) {
    idx.upsertService(svc('default', 'big', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
    const eps = Array.from({ length: bigEndpoints }, (_, i) => ({ addresses: [`10.250.${Math.floor(i / 250)}.${(i % 250) + 1}`], conditions: { ready: true } }));
    idx.upsertEndpointSlice(slice('default', 'big', 'big-1', eps, [{ name: 'http', port: 80, protocol: 'TCP' }]));
  }
  return idx;
}
