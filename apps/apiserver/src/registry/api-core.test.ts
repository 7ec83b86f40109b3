// ApiCore on its own (a FileStore in a temporary directory): dry runs go through the one
// pipeline, and the request size limit is Kubernetes' limit with Kubernetes' message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiError, type KubeObject, type Service } from '@svcnet/api-types';
import { FileStore } from '@svcnet/store';
import { createLogger } from '@svcnet/observability';
import { ApiCore } from './api-core';

let dir: string;
let store: FileStore;
let core: ApiCore;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-core-test-'));
  store = FileStore.open({ dir });
  core = new ApiCore({ store, serviceCidr: '10.96.0.0/16', nodePortRange: [30000, 32767], clusterCidr: '10.244.0.0/16', nodeCidrMaskSize: 24, log: createLogger('api-core-test') });
  await core.start();
});
after(async () => {
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const input = (): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  // a client's status is reset on create, dry run or not
  status: { loadBalancer: { ingress: [{ ip: '192.0.2.9' }] } },
});

/** What two creates of the same input may differ in: identity, time, and which free IP/port they got. */
function shape(s: KubeObject): KubeObject {
  const o = structuredClone(s) as Service;
  for (const k of ['uid', 'creationTimestamp', 'resourceVersion'] as const) {
    assert.ok(k === 'resourceVersion' || o.metadata[k], `metadata.${k} is set`);
    delete o.metadata[k];
  }
  assert.match(o.spec.clusterIP!, /^10\.96\.\d+\.\d+$/);
  assert.deepEqual(o.spec.clusterIPs, [o.spec.clusterIP]);
  o.spec.clusterIP = o.spec.clusterIPs![0] = '<allocated>';
  for (const p of o.spec.ports ?? []) {
    assert.ok(p.nodePort! >= 30000 && p.nodePort! <= 32767, `nodePort ${p.nodePort} in range`);
    p.nodePort = 0;
  }
  return o;
}

async function reason(p: Promise<unknown>): Promise<{ reason: string; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return { reason: e.reason, message: e.message };
  }
  assert.fail('expected an error');
}

test('a dry-run create of a Service answers what the real create answers, and stores nothing', async () => {
  const rev = await store.currentRevision();
  const allocations = (await store.list('/allocations/')).items.length;
  const dry = await core.create('services', 'default', input(), { dryRun: true });
  assert.equal(await store.currentRevision(), rev, 'a dry run writes nothing');
  assert.equal((await store.list('/allocations/')).items.length, allocations, 'a dry run keeps no allocation');
  assert.equal((await reason(core.get('services', 'default', 'web'))).reason, 'NotFound');
  assert.equal(dry.metadata.resourceVersion, undefined);

  const real = await core.create('services', 'default', input());
  assert.deepEqual(shape(dry), shape(real));
  assert.deepEqual(dry.status, { loadBalancer: {} });

  // ... and fails as the real one fails
  const again = await core.create('services', 'default', input()).catch((e: ApiError) => e);
  const dryAgain = await core.create('services', 'default', input(), { dryRun: true }).catch((e: ApiError) => e);
  assert.ok(again instanceof ApiError && dryAgain instanceof ApiError);
  assert.deepEqual([dryAgain.reason, dryAgain.message], [again.reason, again.message]);
  const taken = { ...input(), metadata: { name: 'web2', namespace: 'default' }, spec: { ...input().spec, clusterIP: (real as Service).spec.clusterIP } };
  assert.deepEqual(await reason(core.create('services', 'default', structuredClone(taken), { dryRun: true })), await reason(core.create('services', 'default', structuredClone(taken))));
});

test('dry-run update, patch and delete of a Service answer like the real ones and store nothing', async () => {
  const cur = (await core.get('services', 'default', 'web')) as Service;
  const rev = await store.currentRevision();
  // kubectl replace sends no clusterIP: it is kept, on a dry run too
  const replaced = structuredClone(cur);
  delete replaced.spec.clusterIP;
  delete replaced.spec.clusterIPs;
  const upd = (await core.update('services', 'default', replaced, '', { dryRun: true })) as Service;
  assert.equal(upd.spec.clusterIP, cur.spec.clusterIP);
  const patched = (await core.patch('services', 'default', 'web', { spec: { type: 'ClusterIP' } }, 'merge', '', { dryRun: true })) as Service;
  assert.equal(patched.spec.ports?.[0].nodePort, undefined, 'NodePort -> ClusterIP drops the nodePorts');
  await core.delete('services', 'default', 'web', { dryRun: true });
  assert.equal(await store.currentRevision(), rev);
  assert.deepEqual(await core.get('services', 'default', 'web'), cur);
});

test('the request size limit is Kubernetes\' 3 MiB, with its message, on every path', async () => {
  const cm = (bytes: number): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${bytes}` }, data: { blob: 'x'.repeat(bytes) } });
  for (const dryRun of [false, true]) {
    assert.deepEqual(await reason(core.create('configmaps', 'default', cm(3 * 1024 * 1024), { dryRun })), { reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' });
  }
  // 2 MiB passes the request limit and reaches validation (a ConfigMap holds at most 1 MiB)
  assert.equal((await reason(core.create('configmaps', 'default', cm(2 * 1024 * 1024)))).reason, 'Invalid');
});

test('deletecollection and scale are ApiCore verbs, dry run included', async () => {
  const deploy = (name: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { tier: 'x' } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  await core.create('deployments', 'default', deploy('d1'));
  await core.create('deployments', 'default', deploy('d2'));
  const dryScale = await core.updateScale('deployments', 'default', 'd1', 3, { dryRun: true });
  assert.equal(dryScale.spec.replicas, 3);
  assert.equal((await core.getScale('deployments', 'default', 'd1')).spec.replicas, 1);
  assert.equal((await core.updateScale('deployments', 'default', 'd1', 4)).spec.replicas, 4);
  assert.equal((await reason(core.getScale('services', 'default', 'web'))).reason, 'NotFound');

  const dry = await core.deleteCollection('deployments', { namespace: 'default', labelSelector: 'tier=x' }, { dryRun: true });
  assert.deepEqual(dry.items.map((o) => o.metadata.name).sort(), ['d1', 'd2']);
  assert.equal((await core.list('deployments', { namespace: 'default' })).items.length, 2);
  await core.deleteCollection('deployments', { namespace: 'default', labelSelector: 'tier=x' });
  assert.equal((await core.list('deployments', { namespace: 'default' })).items.length, 0);
});
