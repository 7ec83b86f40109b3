// The informer wiring against a fake Informer that follows the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Informer, InformerHandlers } from '@svcnet/api-client';
import type { EndpointSlice, KubeObject, Pod, Service, Namespace } from '@svcnet/api-types';
import { CLASS, RCODE, TYPE } from '@svcnet/dns-message';
import { answer } from '@svcnet/dns-records';
import { svc, slice } from '@svcnet/dns-records/testing';
import { InformerSource } from './informers';
import { startDnsApp } from './app';
import { dig } from './testing/dig';

export class FakeInformer<T extends KubeObject> implements Informer<T> {
  private handlers: InformerHandlers<T>[] = [];
  private items = new Map<string, T>();
  synced = false;
  constructor(readonly resource: string) {}
  async start(): Promise<void> {
    this.synced = true;
  }
  stop(): void {}
  hasSynced(): boolean {
    return this.synced;
  }
  list(): T[] {
    return [...this.items.values()];
  }
  get(ns: string | undefined, name: string): T | undefined {
    return this.items.get(`${ns}/${name}`);
  }
  addIndexer(): void {}
  byIndex(): T[] {
    return [];
  }
  on(h: InformerHandlers<T>): void {
    this.handlers.push(h);
  }
  lastResourceVersion(): string {
    return '1';
  }
  emit(kind: 'add' | 'update' | 'delete', obj: T): void {
    const k = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const old = this.items.get(k);
    if (kind === 'delete') this.items.delete(k);
    else this.items.set(k, obj);
    for (const h of this.handlers) {
      if (kind === 'add') h.add?.(obj);
      else if (kind === 'update') h.update?.(old as T, obj);
      else h.delete?.(obj);
    }
  }
}

test('informer events move the answers, readiness follows sync', async () => {
  const services = new FakeInformer<Service>('services');
  const endpointSlices = new FakeInformer<EndpointSlice>('endpointslices');
  const pods = new FakeInformer<Pod>('pods');
  const namespaces = new FakeInformer<Namespace>('namespaces');
  const src = new InformerSource({ services, endpointSlices, pods, namespaces });
  assert.match(src.notReadyReason() ?? '', /services, endpointslices, pods, namespaces/);
  await src.start();
  assert.equal(src.notReadyReason(), undefined);

  const A = (name: string) => answer({ name, type: TYPE.A, class: CLASS.IN }, src.index);
  assert.equal(A('api.prod.svc.cluster.local')?.rcode, RCODE.NXDOMAIN);
  services.emit('add', svc('prod', 'api', { clusterIP: 'None' }));
  assert.equal(A('api.prod.svc.cluster.local')?.rcode, RCODE.NXDOMAIN, 'headless without endpoints');
  endpointSlices.emit('add', slice('prod', 'api', 'api-x', [{ addresses: ['10.1.0.1'] }, { addresses: ['10.1.0.2'], conditions: { ready: false } }]));
  assert.deepEqual(A('api.prod.svc.cluster.local')?.answers.map((r) => r.type === 'A' && r.address), ['10.1.0.1']);
  endpointSlices.emit('update', slice('prod', 'api', 'api-x', [{ addresses: ['10.1.0.1'] }, { addresses: ['10.1.0.2'], conditions: { ready: true } }]));
  assert.equal(A('api.prod.svc.cluster.local')?.answers.length, 2);
  services.emit('update', svc('prod', 'api', { clusterIP: '10.96.7.7', clusterIPs: ['10.96.7.7'] }));
  assert.deepEqual(A('api.prod.svc.cluster.local')?.answers.map((r) => r.type === 'A' && r.address), ['10.96.7.7']);
  services.emit('delete', svc('prod', 'api', {}));
  assert.equal(A('api.prod.svc.cluster.local')?.rcode, RCODE.NXDOMAIN);
  namespaces.emit('add', { metadata: { name: 'empty-ns' } } as Namespace);
  assert.equal(A('empty-ns.svc.cluster.local')?.rcode, RCODE.NOERROR);
  namespaces.emit('delete', { metadata: { name: 'empty-ns' } } as Namespace);
  assert.equal(A('empty-ns.svc.cluster.local')?.rcode, RCODE.NXDOMAIN);
});

test('served answers follow informer events within 1 s; /readyz waits for sync', async () => {
  const services = new FakeInformer<Service>('services');
  const endpointSlices = new FakeInformer<EndpointSlice>('endpointslices');
  const pods = new FakeInformer<Pod>('pods');
  const src = new InformerSource({ services, endpointSlices, pods });
  const app = await startDnsApp({ listen: { host: '127.0.0.1', port: 0 }, zone: 'cluster.local', ttl: 5, upstreams: [], source: src, healthPort: 0 });
  try {
    const ready = await fetch(`http://127.0.0.1:${app.healthPort}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(await ready.text(), /waiting for informers/);
    await src.start();
    assert.equal((await fetch(`http://127.0.0.1:${app.healthPort}/readyz`)).status, 200);
    assert.equal((await dig(app.port, ['live.default.svc.cluster.local'])).status, 'NXDOMAIN');
    services.emit('add', svc('default', 'live', { clusterIP: '10.96.9.9', clusterIPs: ['10.96.9.9'] }));
    const r = await dig(app.port, ['live.default.svc.cluster.local']);
    assert.deepEqual(r.answers, ['live.default.svc.cluster.local. A 10.96.9.9']);
    services.emit('delete', svc('default', 'live', {}));
    assert.equal((await dig(app.port, ['live.default.svc.cluster.local'])).status, 'NXDOMAIN');
  } finally {
    await app.stop();
  }
});
