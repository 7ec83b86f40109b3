import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSubsets, desiredEndpoints, endpointsUpdate, truncateSubsets } from './endpoints-build';
import { node, noNodes, pod, svc } from './fixtures.test-util';

test('ready and not-ready pods, sorted by IP, pods without IP skipped', () => {
  const s = svc('web');
  const subsets = buildSubsets(s, [pod('b', { ip: '10.0.0.10' }), pod('a', { ip: '10.0.0.9' }), pod('c', { ip: '10.0.0.3', ready: false }), pod('noip')], noNodes);
  assert.deepEqual(subsets, [
    {
      addresses: [
        { ip: '10.0.0.9', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
        { ip: '10.0.0.10', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
      ],
      notReadyAddresses: [{ ip: '10.0.0.3', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' } }],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    },
  ]);
});

test('a named targetPort resolving to 80 and 81 gives two subsets', () => {
  const subsets = buildSubsets(svc('web'), [pod('a', { ip: '10.0.0.1' }), pod('b', { ip: '10.0.0.2', httpPort: 81 }), pod('c', { ip: '10.0.0.3' })], noNodes);
  assert.equal(subsets.length, 2);
  const byPort = Object.fromEntries(subsets.map((s) => [s.ports![0].port, s.addresses!.map((a) => a.ip)]));
  assert.deepEqual(byPort, { 80: ['10.0.0.1', '10.0.0.3'], 81: ['10.0.0.2'] });
});

test('pods whose named port does not resolve are left out; numeric targetPort applies to all', () => {
  const p = pod('x', { ip: '10.0.0.1' });
  p.spec.containers[0].ports = [];
  assert.deepEqual(buildSubsets(svc('web'), [p], noNodes), []);
  const numeric = svc('web', { ports: [{ port: 80, targetPort: 8080 }, { name: 'metrics', port: 9090 }] });
  assert.deepEqual(buildSubsets(numeric, [p], noNodes)[0].ports, [
    { port: 8080, protocol: 'TCP' },
    { name: 'metrics', port: 9090, protocol: 'TCP' },
  ]);
});

test('terminating pods and pods on a NotReady node are not ready; publishNotReadyAddresses overrides', () => {
  const nodes = new Map([['node-2', node('node-2', false)]]);
  const pods = [pod('t', { ip: '10.0.0.1', deleting: true }), pod('n', { ip: '10.0.0.2', node: 'node-2' }), pod('f', { ip: '10.0.0.3', phase: 'Failed' })];
  const subsets = buildSubsets(svc('web'), pods, (n) => nodes.get(n));
  assert.equal(subsets[0].addresses, undefined);
  assert.deepEqual(subsets[0].notReadyAddresses!.map((a) => a.ip), ['10.0.0.1', '10.0.0.2']);
  const pub = buildSubsets(svc('web', { publishNotReadyAddresses: true }), pods, (n) => nodes.get(n));
  assert.deepEqual(pub[0].addresses!.map((a) => a.ip), ['10.0.0.1', '10.0.0.2']);
});

test('hostname only when the pod subdomain is the service name; label selector must match', () => {
  const subsets = buildSubsets(
    svc('db', { clusterIP: 'None' }),
    [pod('db-0', { ip: '10.0.0.1', hostname: 'db-0', subdomain: 'db' }), pod('x', { ip: '10.0.0.2', hostname: 'x', subdomain: 'other' }), pod('y', { ip: '10.0.0.3', labels: { app: 'api' } })],
    noNodes,
  );
  assert.deepEqual(subsets[0].addresses!.map((a) => [a.ip, a.hostname]), [['10.0.0.1', 'db-0'], ['10.0.0.2', undefined]]);
});

test('endpointsUpdate writes only on change', () => {
  const s = svc('web');
  const want = desiredEndpoints(s, [pod('a', { ip: '10.0.0.1' })], noNodes);
  assert.equal(want.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'], 'true');
  assert.equal(want.metadata.labels?.team, 'web');
  const stored = { ...want, metadata: { ...want.metadata, resourceVersion: '7', uid: 'u' } };
  assert.equal(endpointsUpdate(stored, desiredEndpoints(s, [pod('a', { ip: '10.0.0.1' })], noNodes)), undefined);
  const upd = endpointsUpdate(stored, desiredEndpoints(s, [pod('a', { ip: '10.0.0.1', ready: false })], noNodes));
  assert.equal(upd?.metadata.resourceVersion, '7');
  assert.deepEqual(upd?.subsets?.[0].notReadyAddresses?.map((a) => a.ip), ['10.0.0.1']);
});

test('more than 1000 addresses are truncated, ready first, and annotated', () => {
  const pods = Array.from({ length: 1100 }, (_, i) => pod(`p${i}`, { ip: `10.1.${Math.floor(i / 250)}.${i % 250}`, ready: i >= 200 }));
  const ep = desiredEndpoints(svc('big'), pods, noNodes);
  assert.equal(ep.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
  assert.equal(ep.subsets![0].addresses!.length, 900);
  assert.equal(ep.subsets![0].notReadyAddresses!.length, 100);
  assert.equal(truncateSubsets(ep.subsets!).truncated, false);
  const small = desiredEndpoints(svc('big'), pods.slice(0, 5), noNodes);
  assert.equal(small.metadata.annotations, undefined);
});
