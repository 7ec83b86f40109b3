import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadApiPackage } from './load';
import { toWire, fromWire } from './object-codec';

// Round-trips through the real protobuf encoder, so a field missing from the .proto shows up here.
function roundTrip(obj: any): any {
  const pkg = loadApiPackage() as any;
  const type = pkg.svcnet.v1.Object.type;
  assert.ok(type);
  const def = (pkg.svcnet.v1.ResourceApi.service.Create as any);
  const bytes = def.requestSerialize({ resource: 'x', object: toWire(obj) });
  const back = def.requestDeserialize(bytes);
  return fromWire(back.object);
}

test('Service with named and numeric targetPorts, zero values kept', () => {
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' }, resourceVersion: '12' },
    spec: {
      type: 'NodePort',
      selector: { app: 'nginx' },
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ports: [
        { name: 'http', protocol: 'TCP', port: 8080, targetPort: 80, nodePort: 30080 },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics' },
      ],
      publishNotReadyAddresses: false,
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    },
    status: { loadBalancer: {} },
  };
  assert.deepEqual(roundTrip(svc), svc);
});

test('Deployment keeps replicas 0 and percent surge', () => {
  const d = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: '/', port: 80 } } }] },
      },
    },
  };
  assert.deepEqual(roundTrip(d), d);
});

test('EndpointSlice conditions false survive', () => {
  const s = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abcde', namespace: 'default' },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.1.2'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'node-1' }],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  };
  assert.deepEqual(roundTrip(s), s);
});
