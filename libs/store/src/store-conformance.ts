// One behavioural suite every Store backend must pass. Backend test files call
// runStoreConformance with a factory that gives a fresh, empty store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@svcnet/api-types';
import { isStoreError, revisionOf, type Store, type StoreEvent } from './store';

export interface StoreFactory {
  /** a fresh empty store */
  create(): Promise<Store>;
  /** reopen the same data (after close) — for restart tests */
  reopen(s: Store): Promise<Store>;
  cleanup(): Promise<void>;
}

const obj = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { ports: [{ port: 80 }] },
  ...extra,
});

function collect(store: Store, prefix: string, from: number): { events: StoreEvent[]; errors: Error[]; stop(): void; until(n: number): Promise<void> } {
  const events: StoreEvent[] = [];
  const errors: Error[] = [];
  let waiter: (() => void) | undefined;
  let want = 0;
  const w = store.watch(prefix, from, {
    onEvent: (e) => {
      events.push(e);
      if (waiter && events.length >= want) waiter();
    },
    onError: (e) => {
      errors.push(e);
      waiter?.();
    },
  });
  return {
    events,
    errors,
    stop: () => w.stop(),
    until: (n) =>
      events.length >= n || errors.length > 0
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            want = n;
            const t = setTimeout(() => reject(new Error(`timed out waiting for ${n} events, got ${events.length}`)), 5000);
            waiter = () => {
              clearTimeout(t);
              resolve();
            };
          }),
  };
}

export function runStoreConformance(name: string, factory: StoreFactory): void {
  test(`${name}: create, get, list, revisions increase`, async (t) => {
    const s = await factory.create();
    t.after(() => s.close());
    const a = await s.create('/services/default/a', obj('a'));
    const b = await s.create('/services/default/b', obj('b'));
    assert.ok(revisionOf(b) > revisionOf(a));
    assert.equal((await s.get('/services/default/a'))?.metadata.name, 'a');
    assert.equal(await s.get('/services/default/zz'), undefined);
    const l = await s.list('/services/default/');
    assert.deepEqual(l.items.map((o) => o.metadata.name), ['a', 'b']);
    assert.ok(l.revision >= revisionOf(b));
    await assert.rejects(s.create('/services/default/a', obj('a')), (e) => isStoreError(e, 'KeyExists'));
  });

  test(`${name}: update with optimistic concurrency, delete`, async (t) => {
    const s = await factory.create();
    t.after(() => s.close());
    const a = await s.create('/services/default/a', obj('a'));
    const a2 = await s.update('/services/default/a', { ...a, spec: { ports: [{ port: 81 }] } }, revisionOf(a));
    assert.ok(revisionOf(a2) > revisionOf(a));
    await assert.rejects(s.update('/services/default/a', a, revisionOf(a)), (e) => isStoreError(e, 'Conflict'));
    await assert.rejects(s.update('/services/default/x', a), (e) => isStoreError(e, 'NotFound'));
    await assert.rejects(s.delete('/services/default/a', revisionOf(a)), (e) => isStoreError(e, 'Conflict'));
    const d = await s.delete('/services/default/a');
    assert.equal(d.metadata.name, 'a');
    assert.equal(await s.get('/services/default/a'), undefined);
    await assert.rejects(s.delete('/services/default/a'), (e) => isStoreError(e, 'NotFound'));
  });

  test(`${name}: watch from a revision replays and follows, filtered by prefix`, async (t) => {
    const s = await factory.create();
    t.after(() => s.close());
    const a = await s.create('/services/default/a', obj('a'));
    await s.create('/pods/default/p', obj('p'));
    const w = collect(s, '/services/', revisionOf(a) - 1);
    t.after(() => w.stop());
    const a2 = await s.update('/services/default/a', { ...a, spec: { x: 1 } });
    await s.delete('/services/default/a');
    await w.until(3);
    assert.deepEqual(w.events.map((e) => e.type), ['put', 'put', 'delete']);
    assert.equal(w.events[1].revision, revisionOf(a2));
    assert.ok(w.events[2].revision > revisionOf(a2));
    assert.equal(w.events[2].prevObject?.metadata.name, 'a');
  });

  test(`${name}: concurrent creates of distinct keys all land, one winner per key`, async (t) => {
    const s = await factory.create();
    t.after(() => s.close());
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => s.create(`/services/default/s${i % 150}`, obj(`s${i % 150}`))));
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, 150);
    assert.equal((await s.list('/services/')).items.length, 150);
    const revs = new Set(ok.map((r) => revisionOf((r as PromiseFulfilledResult<KubeObject>).value)));
    assert.equal(revs.size, 150);
  });

  test(`${name}: data and watch resume survive a reopen`, async (t) => {
    let s = await factory.create();
    const a = await s.create('/services/default/a', obj('a'));
    const b = await s.create('/services/default/b', obj('b'));
    await s.close();
    s = await factory.reopen(s);
    t.after(() => s.close());
    assert.equal((await s.get('/services/default/b'))?.metadata.resourceVersion, b.metadata.resourceVersion);
    const w = collect(s, '/services/', revisionOf(a));
    t.after(() => w.stop());
    const c = await s.create('/services/default/c', obj('c'));
    await w.until(2);
    assert.deepEqual(w.events.map((e) => e.object.metadata.name), ['b', 'c']);
    assert.ok(revisionOf(c) > revisionOf(b));
  });

  test(`${name}: a delete has its own revision, and a list revision is a watch start`, async (t) => {
    const s = await factory.create();
    t.after(() => s.close());
    const a = await s.create('/services/default/a', obj('a'));
    await s.create('/services/default/b', obj('b'));
    const l = await s.list('/services/');
    const w = collect(s, '/services/', l.revision);
    t.after(() => w.stop());
    const d = await s.delete('/services/default/a', revisionOf(a));
    assert.ok(revisionOf(d) > l.revision);
    assert.equal(await s.currentRevision(), revisionOf(d));
    await w.until(1);
    assert.equal(w.events.length, 1); // nothing from before the list
    assert.equal(w.events[0].type, 'delete');
    assert.equal(w.events[0].revision, revisionOf(d));
    assert.equal(revisionOf(w.events[0].object), revisionOf(d));
    assert.equal(revisionOf(w.events[0].prevObject!), revisionOf(a));
    await assert.rejects(s.update('/services/default/a', a, revisionOf(a)), (e) => isStoreError(e, 'NotFound'));
    await assert.rejects(s.delete('/services/default/a', revisionOf(a)), (e) => isStoreError(e, 'NotFound'));
  });

  test(`${name}: watch events arrive in revision order with previous objects`, async (t) => {
    const s = await factory.create();
    t.after(() => s.close());
    const from = await s.currentRevision();
    const w = collect(s, '/services/', from);
    t.after(() => w.stop());
    let cur = await s.create('/services/default/a', obj('a'));
    const writes = [cur];
    for (let i = 0; i < 20; i++) {
      const [x] = await Promise.all([s.update('/services/default/a', obj('a', { spec: { i } }), revisionOf(cur)), s.create(`/services/default/n${i}`, obj(`n${i}`))]);
      cur = x;
      writes.push(x);
    }
    await w.until(41);
    const revs = w.events.map((e) => e.revision);
    assert.deepEqual(revs, [...revs].sort((x, y) => x - y));
    assert.equal(new Set(revs).size, 41);
    const updates = w.events.filter((e) => e.key === '/services/default/a');
    assert.deepEqual(updates.map((e) => e.revision), writes.map(revisionOf));
    for (let i = 1; i < updates.length; i++) assert.equal(revisionOf(updates[i].prevObject!), updates[i - 1].revision);
    assert.equal(updates[0].prevObject, undefined);
    assert.deepEqual(updates[20].object.spec, { i: 19 });
  });
}
