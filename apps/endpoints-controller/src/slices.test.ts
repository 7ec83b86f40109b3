import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice } from '@svcnet/api-types';
import { desiredSliceGroups } from './slice-build';
import { mirroredSliceGroups } from './slice-mirror';
import { mirrorSliceOwner, serviceSliceOwner } from './slice-owner';
import { reconcileSlices } from './slice-reconcile';
import { pod, noNodes, svc } from './fixtures.test-util';

/** What the apiserver would hold after applying a plan. */
function store(existing: EndpointSlice[], plan: ReturnType<typeof reconcileSlices>): EndpointSlice[] {
  const gone = new Set(plan.delete.map((s) => s.metadata.name));
  const updated = new Map(plan.update.map((s) => [s.metadata.name, s]));
  return [...existing.filter((s) => !gone.has(s.metadata.name)).map((s) => updated.get(s.metadata.name) ?? s), ...plan.create];
}

test('slice endpoints carry ready/serving/terminating conditions', () => {
  const groups = desiredSliceGroups(svc('web'), [pod('a', { ip: '10.0.0.1' }), pod('b', { ip: '10.0.0.2', ready: false }), pod('t', { ip: '10.0.0.3', deleting: true }), pod('tn', { ip: '10.0.0.4', deleting: true, ready: false })], noNodes);
  assert.equal(groups.length, 1);
  assert.deepEqual(groups[0].ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
  assert.deepEqual(
    groups[0].endpoints.map((e) => [e.addresses[0], e.conditions]),
    [
      ['10.0.0.1', { ready: true, serving: true, terminating: false }],
      ['10.0.0.2', { ready: false, serving: false, terminating: false }],
      ['10.0.0.3', { ready: false, serving: true, terminating: true }],
      ['10.0.0.4', { ready: false, serving: false, terminating: true }],
    ],
  );
  assert.deepEqual(groups[0].endpoints[0].targetRef, { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' });
});

test('one slice per port mapping, named <svc>-xxxxx, labelled and owned by the Service', () => {
  const s = svc('web');
  const groups = desiredSliceGroups(s, [pod('a', { ip: '10.0.0.1' }), pod('b', { ip: '10.0.0.2', httpPort: 81 })], noNodes);
  const plan = reconcileSlices(groups, [], serviceSliceOwner(s));
  assert.equal(plan.create.length, 2);
  for (const sl of plan.create) {
    assert.match(String(sl.metadata.name), /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(sl.metadata.labels?.['kubernetes.io/service-name'], 'web');
    assert.equal(sl.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.deepEqual(sl.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    assert.equal(sl.addressType, 'IPv4');
  }
  assert.deepEqual(plan.create.map((sl) => sl.ports![0].port).sort(), [80, 81]);
});

test('at most 100 endpoints per slice; a steady state plans nothing', () => {
  const s = svc('big');
  const pods = Array.from({ length: 250 }, (_, i) => pod(`p${i}`, { ip: `10.1.${Math.floor(i / 200)}.${i % 200}` }));
  const owner = serviceSliceOwner(s);
  const plan = reconcileSlices(desiredSliceGroups(s, pods, noNodes), [], owner);
  assert.deepEqual(plan.create.map((x) => x.endpoints.length), [100, 100, 50]);
  const again = reconcileSlices(desiredSliceGroups(s, pods, noNodes), plan.create, owner);
  assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
});

test('a pod change updates only the slice holding it', () => {
  const s = svc('big');
  const pods = Array.from({ length: 150 }, (_, i) => pod(`p${i}`, { ip: `10.1.0.${i}` }));
  const owner = serviceSliceOwner(s);
  const slices = reconcileSlices(desiredSliceGroups(s, pods, noNodes), [], owner).create;
  pods[120] = pod('p120', { ip: '10.1.0.120', ready: false });
  const plan = reconcileSlices(desiredSliceGroups(s, pods, noNodes), slices, owner);
  assert.equal(plan.update.length, 1);
  assert.equal(plan.create.length + plan.delete.length, 0);
});

test('a selector change moves all endpoints in one update', () => {
  const s = svc('web');
  const owner = serviceSliceOwner(s);
  const pods = [pod('a', { ip: '10.0.0.1' }), pod('b', { ip: '10.0.0.2' }), pod('x', { ip: '10.0.0.8', labels: { app: 'v2' } }), pod('y', { ip: '10.0.0.9', labels: { app: 'v2' } })];
  const before = reconcileSlices(desiredSliceGroups(s, pods, noNodes), [], owner).create;
  const moved = svc('web', { selector: { app: 'v2' } });
  const plan = reconcileSlices(desiredSliceGroups(moved, pods, noNodes), before, owner);
  assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 1, 0]);
  assert.deepEqual(plan.update[0].endpoints.map((e) => e.addresses[0]), ['10.0.0.8', '10.0.0.9']);
  // a target port change too reuses the slice rather than create + delete
  const ported = svc('web', { selector: { app: 'v2' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
  const p2 = reconcileSlices(desiredSliceGroups(ported, pods, noNodes), store(before, plan), owner);
  assert.deepEqual([p2.create.length, p2.update.length, p2.delete.length], [0, 1, 0]);
});

test('no endpoints leaves one empty placeholder slice', () => {
  const s = svc('web');
  const owner = serviceSliceOwner(s);
  const plan = reconcileSlices([], [], owner);
  assert.equal(plan.create.length, 1);
  assert.deepEqual(plan.create[0].endpoints, []);
  const withPods = reconcileSlices(desiredSliceGroups(s, [pod('a', { ip: '10.0.0.1' })], noNodes), plan.create, owner);
  assert.deepEqual([withPods.create.length, withPods.update.length, withPods.delete.length], [0, 1, 0]);
  const back = reconcileSlices([], store(plan.create, withPods), owner);
  assert.deepEqual([back.create.length, back.update.length, back.delete.length], [0, 1, 0]);
});

test('mirroring a selectorless Service: one slice per subset, ready from addresses', () => {
  const ep = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'ext', namespace: 'default', uid: 'ep-uid', labels: { a: 'b' } },
    subsets: [
      { addresses: [{ ip: '192.0.2.1' }], notReadyAddresses: [{ ip: '192.0.2.2' }], ports: [{ port: 5432 }] },
      { addresses: [{ ip: '192.0.2.3' }], ports: [{ name: 'x', port: 80, protocol: 'UDP' as const }] },
    ],
  };
  const plan = reconcileSlices(mirroredSliceGroups(ep), [], mirrorSliceOwner(ep));
  assert.equal(plan.create.length, 2);
  const pg = plan.create.find((s) => s.ports?.[0].port === 5432)!;
  assert.deepEqual(pg.endpoints.map((e) => [e.addresses[0], e.conditions?.ready]), [['192.0.2.1', true], ['192.0.2.2', false]]);
  assert.equal(pg.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
  assert.equal(pg.metadata.labels?.a, 'b');
  assert.equal(pg.metadata.ownerReferences?.[0].kind, 'Endpoints');
});
