import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Informer, InformerHandlers } from '@svcnet/api-client';
import type { EndpointSlice, KubeObject, Service } from '@svcnet/api-types';
import { render, type Transaction } from '@svcnet/nftables';
import { FakeNftables } from '@svcnet/nftables/testing';
import { createLogger, Registry } from '@svcnet/observability';
import { ep, slice, svc } from '@svcnet/proxy-rules/testing';
import { Proxier, type SyncReport } from './proxier';
import { KUBE_PROXY_METRIC_NAMES, ProxyMetrics } from './proxy-metrics';
import { healthCheckResponse, healthCheckTargets } from './health-check-targets';
import { udpConntrackDeletions } from './udp-conntrack';
import { renderRuleset } from '@svcnet/proxy-rules';
import { parseDurationMs } from './proxy-flags';

// Just enough of an informer: a map, handlers, and emit helpers.
class FakeInformer<T extends KubeObject> {
  readonly resource = 'fake';
  private readonly items = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private key = (o: T) => `${o.metadata.namespace}/${o.metadata.name}`;
  list = () => [...this.items.values()];
  get = (ns: string | undefined, name: string) => this.items.get(`${ns}/${name}`);
  on = (h: InformerHandlers<T>) => void this.handlers.push(h);
  hasSynced = () => true;
  set(o: T): void {
    const old = this.items.get(this.key(o));
    this.items.set(this.key(o), o);
    for (const h of this.handlers) (old ? h.update?.(old, o) : h.add?.(o));
  }
  delete(o: T): void {
    this.items.delete(this.key(o));
    for (const h of this.handlers) h.delete?.(o);
  }
}

class CountingNft extends FakeNftables {
  reads = 0;
  applies: Transaction[] = [];
  override async read(...a: Parameters<FakeNftables['read']>) {
    this.reads++;
    return super.read(...a);
  }
  override async apply(tx: Transaction) {
    this.applies.push(tx);
    return super.apply(tx);
  }
}

const log = createLogger('test', {});
log.info = () => undefined;

function setup(nft: CountingNft, services: FakeInformer<Service>, slices: FakeInformer<EndpointSlice>, registry = new Registry()) {
  const p = new Proxier({
    nft,
    nodeName: 'n1',
    nodeIPs: ['192.168.1.1'],
    clusterCIDRs: ['10.244.0.0/16'],
    services: services as unknown as Informer<Service>,
    endpointSlices: slices as unknown as Informer<EndpointSlice>,
    log,
    metrics: new ProxyMetrics(registry),
    minSyncPeriodMs: 5,
    syncPeriodMs: 60_000,
  });
  const reports: SyncReport[] = [];
  p.onSync((r) => reports.push(r));
  return { p, reports };
}

const until = async (what: string, fn: () => boolean) => {
  for (let i = 0; i < 200 && !fn(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(fn(), what);
};

test('no sync before start; a full sync first, then incremental syncs that do not read the kernel', async () => {
  const nft = new CountingNft();
  const services = new FakeInformer<Service>();
  const slices = new FakeInformer<EndpointSlice>();
  const registry = new Registry();
  const { p, reports } = setup(nft, services, slices, registry);
  services.set(svc('a', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] }));
  slices.set(slice('a', 'web', 'web-1', [{ name: 'http', port: 8080 }], [ep('10.244.1.2', { node: 'n1' })]));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(nft.applies.length + nft.reads, 0, 'a proxy that was not started touches nothing');
  p.start();
  await until('first sync', () => reports.length === 1);
  assert.equal(reports[0].kind, 'full');
  assert.equal(nft.reads, 1);
  assert.ok(p.hasSynced());

  slices.set(slice('a', 'web', 'web-1', [{ name: 'http', port: 8080 }], [ep('10.244.1.2', { node: 'n1' }), ep('10.244.1.3', { node: 'n2' })]));
  slices.set(slice('a', 'web', 'web-1', [{ name: 'http', port: 8080 }], [ep('10.244.1.2', { node: 'n1' }), ep('10.244.1.3', { node: 'n2' }), ep('10.244.1.4', { node: 'n2' })]));
  await until('incremental sync', () => reports.length === 2);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(reports.length, 2, 'two changes in one batch give one sync');
  assert.equal(reports[1].kind, 'incremental');
  assert.equal(nft.reads, 1, 'incremental syncs diff against the last applied state');
  assert.ok(reports[1].operations > 0 && reports[1].operations < 12, render(nft.applies[1]));
  const metrics = registry.render();
  assert.match(metrics, /^kubeproxy_network_programming_duration_seconds_count\{ip_family="IPv4"\} 4$/m);
  assert.match(metrics, /^kubeproxy_sync_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} 2$/m);
  assert.match(metrics, /^kubeproxy_sync_full_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} 1$/m);
  assert.match(metrics, /^kubeproxy_sync_partial_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} 1$/m);
  assert.match(metrics, /^kubeproxy_sync_proxy_rules_duration_seconds_bucket\{ip_family="IPv4",le="16.384"\} 2$/m);
  assert.match(metrics, /^kubeproxy_sync_proxy_rules_last_timestamp_seconds\{ip_family="IPv4"\} \d+/m);
  assert.match(metrics, /^svcnet_proxy_nftables_objects\{type="chains"\} \d+$/m);
  for (const name of KUBE_PROXY_METRIC_NAMES) assert.match(metrics, new RegExp(`^# TYPE ${name} `, 'm'));
  assert.doesNotMatch(metrics, /^proxy_/m, 'no pre-upstream names left');
  p.stop();

  // A restarted agent reads the kernel, finds everything in place, and changes nothing.
  const again = setup(nft, services, slices);
  again.p.start();
  await until('restart sync', () => again.reports.length === 1);
  assert.deepEqual([again.reports[0].kind, again.reports[0].operations], ['full', 0]);
  again.p.stop();
});

test('a failed apply is retried as a full sync that reads the kernel', async () => {
  const nft = new CountingNft();
  let fail = 1;
  const orig = nft.apply.bind(nft);
  nft.apply = async (tx) => {
    if (fail-- > 0) throw new Error('nft: boom');
    return orig(tx);
  };
  const services = new FakeInformer<Service>();
  const slices = new FakeInformer<EndpointSlice>();
  services.set(svc('a', 'web', { clusterIP: '10.96.0.10', ports: [{ port: 80 }] }));
  const p = new Proxier({
    nft, nodeName: 'n1', nodeIPs: [], clusterCIDRs: [], log: { ...log, error: () => undefined } as typeof log,
    services: services as unknown as Informer<Service>, endpointSlices: slices as unknown as Informer<EndpointSlice>,
    minSyncPeriodMs: 5, syncPeriodMs: 60_000,
  });
  const reports: SyncReport[] = [];
  p.onSync((r) => reports.push(r));
  p.start();
  await until('retried sync', () => reports.length === 1, );
  assert.equal(reports[0].kind, 'full');
  assert.equal(nft.reads, 2);
  p.stop();
});

test('health check targets: LoadBalancer + Local with a healthCheckNodePort, counting ready local endpoints', () => {
  const lb = (name: string, port: number, etp: 'Local' | 'Cluster' = 'Local') =>
    svc('a', name, { type: 'LoadBalancer', clusterIP: '10.96.0.20', externalTrafficPolicy: etp, healthCheckNodePort: port, ports: [{ port: 80, nodePort: 30001 }] });
  const targets = healthCheckTargets(
    [lb('web', 32001), lb('cluster', 32002, 'Cluster'), lb('empty', 32003)],
    [slice('a', 'web', 'w1', [{ port: 80 }], [ep('10.244.1.2', { node: 'n1' }), ep('10.244.1.3', { node: 'n1', ready: false }), ep('10.244.2.2', { node: 'n2' })])],
    'n1',
  );
  assert.deepEqual(targets, [
    { port: 32001, namespace: 'a', name: 'web', localEndpoints: 1 },
    { port: 32003, namespace: 'a', name: 'empty', localEndpoints: 0 },
  ]);
  assert.equal(healthCheckResponse(targets[0]).status, 200);
  assert.deepEqual(JSON.parse(healthCheckResponse(targets[1]).body), { service: { namespace: 'a', name: 'empty' }, localEndpoints: 0, serviceProxyHealthy: true });
  assert.equal(healthCheckResponse(targets[1]).status, 503);
});

test('UDP conntrack: removed endpoints and services that got their first endpoint', () => {
  const state = (ips: string[]) => ({
    nodeName: 'n1', nodeIPs: [], clusterCIDRs: [],
    services: [svc('a', 'dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })],
    endpointSlices: [slice('a', 'dns', 'd1', [{ name: 'dns', port: 5353, protocol: 'UDP' }], ips.map((ip) => ep(ip)))],
  });
  const none = renderRuleset(state([]));
  const one = renderRuleset(state(['10.244.1.2']));
  const other = renderRuleset(state(['10.244.1.3']));
  assert.deepEqual(udpConntrackDeletions(undefined, one), []);
  assert.deepEqual(udpConntrackDeletions(none, one), [['-D', '-p', 'udp', '--orig-dst', '10.96.0.10', '--orig-port-dst', '53']]);
  assert.deepEqual(udpConntrackDeletions(one, other), [['-D', '-p', 'udp', '--orig-dst', '10.96.0.10', '--dst-nat', '10.244.1.2']]);
});

test('durations', () => {
  assert.equal(parseDurationMs('30s'), 30_000);
  assert.equal(parseDurationMs('100ms'), 100);
  assert.equal(parseDurationMs('1m'), 60_000);
  assert.equal(parseDurationMs('2'), 2000);
  assert.throws(() => parseDurationMs('soon'));
});
