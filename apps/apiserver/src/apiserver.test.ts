// The apiserver as a real process, driven through the gRPC client as the other apps use it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Service, KubeObject, WatchEvent, Pod } from '@svcnet/api-types';
import { ApiError } from '@svcnet/api-types';
import { startTestApiserver, waitFor, type TestApiserver } from '@svcnet/test-harness';

let api: TestApiserver;
before(async () => {
  api = await startTestApiserver({ extraArgs: ['--watch-history=50'] });
});
after(async () => {
  await api?.stop();
});

const svc = (name: string, spec: Partial<Service['spec']> = {}, namespace = 'default'): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ port: 8080, targetPort: 80 }], ...spec },
});

async function rejects(p: Promise<unknown>, reason: string, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ApiError, `not an ApiError: ${e}`);
    assert.equal(e.reason, reason);
    assert.equal(e.message, message);
    return true;
  });
}

test('a new cluster has its namespaces and the kubernetes Service on the first ClusterIP', async () => {
  const ns = await api.client.resource('namespaces').list();
  assert.deepEqual(ns.items.map((n) => n.metadata.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  const k = await api.client.resource<Service>('services').get('default', 'kubernetes');
  assert.equal(k.spec.clusterIP, '10.96.0.1');
});

test('nodePort errors are worded as Kubernetes words them, and a failed create allocates nothing', async () => {
  const services = api.client.resource<Service>('services');
  await rejects(
    services.create(svc('sample-nodeport-fail', { type: 'NodePort', ports: [{ port: 8080, nodePort: 8888 }] })),
    'Invalid',
    'Service "sample-nodeport-fail" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767',
  );
  await services.create(svc('np-a', { type: 'NodePort', ports: [{ port: 8080, nodePort: 30080 }] }));
  // This one asks for a free ClusterIP and a taken nodePort: the IP must not leak.
  await rejects(
    services.create(svc('np-b', { type: 'NodePort', clusterIP: '10.96.77.7', ports: [{ port: 8080, nodePort: 30080 }] })),
    'Invalid',
    'Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
  );
  const c = await services.create(svc('np-c', { clusterIP: '10.96.77.7' }));
  assert.equal(c.spec.clusterIP, '10.96.77.7');
  await rejects(
    services.create(svc('np-d', { clusterIP: '10.96.77.7' })),
    'Invalid',
    'Service "np-d" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.77.7"}: failed to allocate IP 10.96.77.7: provided IP is already allocated',
  );
  await rejects(services.create(svc('np-a')), 'AlreadyExists', 'services "np-a" already exists');
  await rejects(services.create(svc('x', {}, 'nowhere')), 'NotFound', 'namespaces "nowhere" not found');
});

test('clusterIP may not change; type changes keep and release nodePorts as Kubernetes does', async () => {
  const services = api.client.resource<Service>('services');
  const s = await services.create(svc('web', { type: 'NodePort' }));
  const np = s.spec.ports![0].nodePort!;
  assert.ok(np >= 30000 && np <= 32767);
  await rejects(
    services.patch('default', 'web', { spec: { clusterIP: '10.96.0.99' } }),
    'Invalid',
    `Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set`,
  );
  const lb = await services.patch('default', 'web', { spec: { type: 'LoadBalancer' } });
  assert.equal(lb.spec.ports![0].nodePort, np, 'nodePort kept across NodePort -> LoadBalancer');
  const cip = await services.patch('default', 'web', { spec: { type: 'ClusterIP' } });
  assert.equal(cip.spec.ports![0].nodePort, undefined);
  // released: another Service can take it now
  const other = await services.create(svc('web2', { type: 'NodePort', ports: [{ port: 80, nodePort: np }] }));
  assert.equal(other.spec.ports![0].nodePort, np);
  // ExternalName releases the ClusterIP
  const en = await services.update({ ...(await services.get('default', 'web')), spec: { type: 'ExternalName', externalName: 'example.com' } } as Service);
  assert.equal(en.spec.clusterIP, undefined);
  const taken = await services.create(svc('web3', { clusterIP: s.spec.clusterIP }));
  assert.equal(taken.spec.clusterIP, s.spec.clusterIP);
});

test('stale updates get Conflict; strategic merge patches merge ports by port', async () => {
  const services = api.client.resource<Service>('services');
  const s = await services.create(svc('multi', { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }));
  await services.update({ ...s, metadata: { ...s.metadata, labels: { a: 'b' } } });
  await rejects(
    services.update({ ...s, metadata: { ...s.metadata, labels: { a: 'c' } } }),
    'Conflict',
    'Operation cannot be fulfilled on services "multi": the object has been modified; please apply your changes to the latest version and try again',
  );
  const p = await services.patch('default', 'multi', { spec: { ports: [{ port: 443, targetPort: 8443 }] } }, 'strategic');
  assert.deepEqual(
    p.spec.ports!.map((x) => [x.name, x.port, x.targetPort]),
    [
      ['http', 80, 80],
      ['https', 443, 8443],
    ],
  );
});

test('200 concurrent creates get 200 distinct ClusterIPs and nodePorts', async () => {
  const services = api.client.resource<Service>('services');
  await api.client.resource('namespaces').create({ metadata: { name: 'many' } } as KubeObject);
  const created = await Promise.all(Array.from({ length: 200 }, (_, i) => services.create(svc(`s${i}`, { type: 'NodePort' }, 'many'))));
  assert.equal(new Set(created.map((s) => s.spec.clusterIP)).size, 200);
  assert.equal(new Set(created.map((s) => s.spec.ports![0].nodePort)).size, 200);
});

test('watch from a resourceVersion, selector transitions, and 410 Gone for an old one', async () => {
  const services = api.client.resource<Service>('services');
  const start = await services.list({ namespace: 'default' });
  const events: WatchEvent<Service>[] = [];
  const w = services.watch({ namespace: 'default', labelSelector: 'tier=web', resourceVersion: start.metadata.resourceVersion }, { onEvent: (e) => events.push(e), onClose: () => undefined });
  try {
    const a = await services.create({ ...svc('watched'), metadata: { name: 'watched', namespace: 'default', labels: { tier: 'web' } } });
    await services.patch('default', 'watched', { metadata: { labels: { tier: 'db' } } });
    await services.patch('default', 'watched', { metadata: { labels: { tier: 'web' } } });
    await services.delete('default', 'watched');
    await waitFor('4 watch events', () => events.length >= 4);
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'DELETED', 'ADDED', 'DELETED']);
    assert.equal(events[0].object.metadata.uid, a.metadata.uid);
  } finally {
    w.stop();
  }
  const err = await new Promise<Error | undefined>((resolve) => services.watch({ resourceVersion: '2' }, { onEvent: () => undefined, onClose: resolve }));
  assert.ok(err instanceof ApiError && err.reason === 'Gone', `expected Gone, got ${err}`);
});

test('pods are deleted gracefully when bound to a node; grace 0 finishes the delete', async () => {
  const pods = api.client.resource<Pod>('pods');
  await pods.create({ metadata: { name: 'p1', namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] } });
  const d = await pods.delete('default', 'p1');
  assert.ok(d.metadata.deletionTimestamp);
  assert.equal(d.metadata.deletionGracePeriodSeconds, 30);
  await pods.delete('default', 'p1', { gracePeriodSeconds: 0 });
  await rejects(pods.get('default', 'p1'), 'NotFound', 'pods "p1" not found');
  // an unscheduled pod goes at once
  await pods.create({ metadata: { name: 'p2', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await pods.delete('default', 'p2');
  await rejects(pods.get('default', 'p2'), 'NotFound', 'pods "p2" not found');
});

test('deleting a namespace deletes what is in it', async () => {
  const ns = api.client.resource('namespaces');
  await ns.create({ metadata: { name: 'doomed' } } as KubeObject);
  await api.client.resource<Service>('services').create(svc('a', {}, 'doomed'));
  const marked = await ns.delete(undefined, 'doomed');
  assert.equal((marked.status as { phase: string }).phase, 'Terminating');
  await waitFor('namespace gone', async () => (await ns.list()).items.every((n) => n.metadata.name !== 'doomed'));
  assert.equal((await api.client.resource('services').list({ namespace: 'doomed' })).items.length, 0);
  await rejects(ns.delete(undefined, 'default'), 'Forbidden', 'namespaces "default" is forbidden: this namespace may not be deleted');
});

test('kill -9 mid-stream: every acknowledged write is there after restart, and a watch resumes', async () => {
  const services = api.client.resource<Service>('services');
  await api.client.resource('namespaces').create({ metadata: { name: 'crash' } } as KubeObject);
  const acked: string[] = [];
  let stop = false;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      try {
        const s = await services.create(svc(`c${w}-${i}`, {}, 'crash'));
        acked.push(s.metadata.name!);
      } catch {
        // the apiserver was killed: this writer stops; only acknowledged writes are checked
        return;
      }
    }
  });
  await waitFor('some writes', () => acked.length > 100);
  const rvBefore = (await services.list({ namespace: 'crash' })).metadata.resourceVersion!;
  await api.proc.stop('SIGKILL');
  stop = true;
  await Promise.all(writers);
  await api.restart();
  const after = await services.list({ namespace: 'crash' });
  const names = new Set(after.items.map((s) => s.metadata.name));
  const lost = acked.filter((n) => !names.has(n));
  assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged writes lost`);
  // resume a watch from before the crash: it sees what happened after rvBefore
  const seen: string[] = [];
  const w = services.watch({ namespace: 'crash', resourceVersion: rvBefore }, { onEvent: (e) => seen.push(e.object.metadata.name!), onClose: () => undefined });
  await services.create(svc('after-restart', {}, 'crash'));
  await waitFor('resumed watch sees the new object', () => seen.includes('after-restart'));
  w.stop();
});
