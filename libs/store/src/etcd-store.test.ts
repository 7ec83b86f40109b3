import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { EtcdStore } from './etcd-store';
import { runStoreConformance } from './store-conformance';
import { startTestEtcd, type TestEtcd } from './test-etcd';
import { isStoreError, revisionOf, type StoreEvent } from './store';

let etcd: TestEtcd;
let n = 0;
const prefixOf = new WeakMap<object, string>();
const open = (prefix: string): EtcdStore => {
  const s = new EtcdStore({ endpoints: [etcd.endpoint], prefix });
  prefixOf.set(s, prefix);
  return s;
};

test.before(async () => {
  etcd = await startTestEtcd();
});
test.after(async () => {
  await etcd?.stop();
});

// One etcd for the file; each store gets its own root prefix, so it starts empty.
runStoreConformance('EtcdStore', {
  async create() {
    return open(`/test-${process.pid}-${++n}`);
  },
  async reopen(old) {
    return open(prefixOf.get(old)!);
  },
  async cleanup() {},
});

test('EtcdStore: values hold no resourceVersion; it is the mod_revision', async (t) => {
  const s = open('/rv');
  t.after(() => s.close());
  const a = await s.create('/k/a', { metadata: { name: 'a', resourceVersion: '12345' } });
  const raw = await s.client.get('/rv/k/a').string();
  assert.equal(JSON.parse(raw!).metadata.resourceVersion, undefined);
  assert.equal((await s.get('/k/a'))?.metadata.resourceVersion, a.metadata.resourceVersion);
  assert.equal(await s.currentRevision(), revisionOf(a));
  const d = await s.delete('/k/a', revisionOf(a));
  assert.equal(revisionOf(d), revisionOf(a) + 1);
});

test('EtcdStore: watching from a compacted revision gives Gone', async (t) => {
  const s = open('/gone');
  t.after(() => s.close());
  const a = await s.create('/k/a', { metadata: { name: 'a' } });
  for (let i = 0; i < 5; i++) await s.update('/k/a', { metadata: { name: 'a', labels: { i: String(i) } } });
  const rev = await s.currentRevision();
  await s.client.kv.compact({ revision: String(rev), physical: true });
  const err = await new Promise<Error>((resolve) => s.watch('/k/', revisionOf(a), { onEvent: () => undefined, onError: resolve }));
  assert.ok(isStoreError(err, 'Gone'), String(err));
  // From the compaction point on, history is still there.
  const got = await new Promise<StoreEvent>((resolve, reject) => {
    const w = s.watch('/k/', rev - 1, { onEvent: (e) => (w.stop(), resolve(e)), onError: reject });
  });
  assert.equal(got.revision, rev);
});

test('EtcdStore: keys outside the root prefix are invisible', async (t) => {
  const s = open('/iso');
  t.after(() => s.close());
  const other = new Etcd3({ hosts: etcd.endpoint });
  t.after(() => other.close());
  await other.put('/iso2/k/x').value('{"metadata":{"name":"x"}}');
  await other.put('/isolated').value('{"metadata":{"name":"y"}}');
  await s.create('/k/a', { metadata: { name: 'a' } });
  assert.deepEqual((await s.list('')).items.map((o) => o.metadata.name), ['a']);
});

test('EtcdStore: an unconditional update or delete of a missing key is NotFound', async (t) => {
  const s = open('/nf');
  t.after(() => s.close());
  await assert.rejects(s.update('/k/x', { metadata: { name: 'x' } }), (e) => isStoreError(e, 'NotFound'));
  await assert.rejects(s.delete('/k/x', 5), (e) => isStoreError(e, 'NotFound'));
  assert.equal(await s.get('/k/x'), undefined);
});

test('EtcdStore: a watch resumes without gaps across an etcd kill -9 and restart', async (t) => {
  const s = open('/restart');
  t.after(() => s.close());
  const events: StoreEvent[] = [];
  const errors: Error[] = [];
  const w = s.watch('/k/', await s.currentRevision(), { onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
  t.after(() => w.stop());
  const before: number[] = [];
  for (let i = 0; i < 10; i++) before.push(revisionOf(await s.create(`/k/a${i}`, { metadata: { name: `a${i}` } })));
  await etcd.kill9();
  await etcd.restart();
  const after: number[] = [];
  for (let i = 0; i < 10; i++) {
    // the client reconnects on its own; the first calls may still fail
    for (let attempt = 0; ; attempt++) {
      try {
        after.push(revisionOf(await s.create(`/k/b${i}`, { metadata: { name: `b${i}` } })));
        break;
      } catch (err) {
        if (isStoreError(err) || attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  const deadline = Date.now() + 15_000;
  while (events.length < 20 && errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(errors, []);
  assert.deepEqual(events.map((e) => e.revision), [...before, ...after]);
});
