// The whole controller (real informers, queue, syncs) against the in-memory fake apiserver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInformer } from '@svcnet/api-client';
import type { EndpointSlice, Endpoints, Node, Pod, Service } from '@svcnet/api-types';
import { Registry, createLogger } from '@svcnet/observability';
import { waitFor } from '@svcnet/test-harness';
import { EndpointsController } from './controller';
import { FakeCluster } from '@svcnet/api-client/testing';
import { pod, svc } from './fixtures.test-util';

process.env.SVCNET_LOG_LEVEL ??= 'warn';

function setup() {
  const cluster = new FakeCluster();
  const services = cluster.resource<Service>('services');
  const pods = cluster.resource<Pod>('pods');
  const nodes = cluster.resource<Node>('nodes');
  const endpoints = cluster.resource<Endpoints>('endpoints');
  const endpointSlices = cluster.resource<EndpointSlice>('endpointslices');
  const controller = new EndpointsController({
    clients: { endpoints, endpointSlices },
    caches: { services: createInformer(services), pods: createInformer(pods), nodes: createInformer(nodes), endpoints: createInformer(endpoints), endpointSlices: createInformer(endpointSlices) },
    log: createLogger('test'),
    registry: new Registry(),
  });
  return { cluster, services, pods, nodes, endpoints, endpointSlices, controller };
}

const settle = () => new Promise((r) => setTimeout(r, 150));

test('Endpoints and slices follow pods; steady state writes nothing; Service delete cleans up', async () => {
  const t = setup();
  await t.controller.start();
  try {
    const s = svc('web');
    delete s.metadata.uid;
    await t.services.create(s);
    for (const [i, port] of [[1, 80], [2, 80], [3, 81]]) {
      const p = pod(`web-${i}`, { ip: `10.244.0.${i}`, httpPort: port, ready: i !== 2 });
      delete p.metadata.uid;
      await t.pods.create(p);
    }
    const ep = await waitFor('endpoints with 2 subsets', async () => {
      const e = await t.endpoints.get('default', 'web').catch(() => undefined);
      return e?.subsets?.length === 2 && e;
    });
    const s80 = ep.subsets!.find((x) => x.ports![0].port === 80)!;
    assert.deepEqual(s80.addresses!.map((a) => a.ip), ['10.244.0.1']);
    assert.deepEqual(s80.notReadyAddresses!.map((a) => a.ip), ['10.244.0.2']);
    const slices = await waitFor('2 slices', () => t.endpointSlices.items().length === 2 && t.endpointSlices.items());
    assert.ok(slices.every((sl) => sl.metadata.ownerReferences?.[0].kind === 'Service'));

    await settle();
    const rv = t.cluster.rv;
    await settle();
    assert.equal(t.cluster.rv, rv, 'steady state causes no writes');

    // pod 2 becomes ready, pod 1 starts terminating
    const p2 = await t.pods.get('default', 'web-2');
    await t.pods.updateStatus({ ...p2, status: { ...p2.status, conditions: [{ type: 'Ready', status: 'True' }] } });
    const p1 = await t.pods.get('default', 'web-1');
    await t.pods.update({ ...p1, metadata: { ...p1.metadata, deletionTimestamp: new Date().toISOString() } });
    await waitFor('web-2 ready, web-1 terminating', async () => {
      const e = await t.endpoints.get('default', 'web');
      const sub = e.subsets?.find((x) => x.ports?.[0].port === 80);
      return sub?.addresses?.map((a) => a.ip).join() === '10.244.0.2' && sub.notReadyAddresses?.map((a) => a.ip).join() === '10.244.0.1';
    });
    await waitFor('slice shows terminating', () => {
      const ep1 = t.endpointSlices.items().flatMap((sl) => sl.endpoints).find((e) => e.addresses[0] === '10.244.0.1');
      return ep1?.conditions?.terminating === true && ep1.conditions.ready === false && ep1.conditions.serving === true;
    });

    // node goes NotReady: its pods become not ready
    await t.nodes.create({ metadata: { name: 'node-1' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } });
    await waitFor('all not ready', async () => {
      const e = await t.endpoints.get('default', 'web');
      return e.subsets?.every((x) => !x.addresses);
    });

    await t.services.delete('default', 'web');
    await waitFor('endpoints and slices gone', async () => {
      const e = await t.endpoints.get('default', 'web').catch(() => undefined);
      return !e && t.endpointSlices.items().length === 0;
    });
  } finally {
    t.controller.stop();
  }
});

test('a selectorless Service keeps the user Endpoints and gets mirrored slices', async () => {
  const t = setup();
  await t.controller.start();
  try {
    const user: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432 }] }] };
    await t.endpoints.create(user);
    await settle();
    assert.equal(t.endpoints.items().length, 1, 'user Endpoints without a Service are left alone');
    const s = svc('ext', { selector: undefined, ports: [{ port: 5432 }] });
    delete s.metadata.uid;
    await t.services.create(s);
    const [slice] = await waitFor('mirrored slice', () => t.endpointSlices.items().length === 1 && t.endpointSlices.items());
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.equal(slice.metadata.labels?.['kubernetes.io/service-name'], 'ext');
    assert.deepEqual(slice.endpoints.map((e) => e.addresses[0]), ['192.0.2.10']);
    const ep = await t.endpoints.get('default', 'ext');
    assert.deepEqual(ep.subsets, user.subsets, 'the user Endpoints are not rewritten');
  } finally {
    t.controller.stop();
  }
});
