// Real processes: the apiserver and this DNS server, talking gRPC; answers checked with dig.
// Upstream is a fake DNS server on loopback, so nothing leaves 127.0.0.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Service } from '@svcnet/api-types';
import { LABEL_SERVICE_NAME } from '@svcnet/api-types';
import { CLASS } from '@svcnet/dns-message';
import { startApp, startTestApiserver, waitFor, type AppProcess, type TestApiserver } from '@svcnet/test-harness';
import { FakeUpstream } from './testing/fake-upstream';
import { dig } from './testing/dig';

let api: TestApiserver;
let dns: AppProcess;
let upstream: FakeUpstream;
let port: number;

before(async () => {
  upstream = new FakeUpstream({ 'example.com 1': { answers: [{ name: 'example.com', class: CLASS.IN, ttl: 60, type: 'A', address: '192.0.2.80' }] } });
  await upstream.start();
  api = await startTestApiserver();
  dns = await startApp({ app: 'dns', args: [`--apiserver=${api.address}`, '--insecure', '--listen=127.0.0.1:0', '--health-port=0', `--upstream=127.0.0.1:${upstream.port}`] });
  port = dns.ready.dnsPort as number;
});

after(async () => {
  await dns?.stop();
  await api?.stop();
  await upstream?.stop();
});

const withLogs = <T>(p: Promise<T>) =>
  p.catch((err) => {
    err.message += `\n--- dns ---\n${dns.logs().slice(-3000)}`;
    throw err;
  });

test('readyz once the informers synced', async () => {
  await withLogs(waitFor('dns ready', async () => (await fetch(`http://127.0.0.1:${dns.ready.healthPort}/readyz`)).status === 200));
  assert.equal((await dig(port, ['example.com'])).answers[0], 'example.com. A 192.0.2.80');
});

test('Service, headless Service with an EndpointSlice, delete: answers follow the API (the propagation time is a benchmark figure, not asserted)', async () => {
  const services = api.client.resource<Service>('services');
  const created = await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80 }] } });
  const ip = created.spec.clusterIP;
  assert.ok(ip, 'apiserver allocated a ClusterIP');
  await withLogs(waitFor('A record', async () => (await dig(port, ['web.default.svc.cluster.local'])).answers[0] === `web.default.svc.cluster.local. A ${ip}`, 10_000, 50));
  const srv = await dig(port, ['_http._tcp.web.default.svc.cluster.local', 'SRV']);
  assert.deepEqual(srv.answers, ['_http._tcp.web.default.svc.cluster.local. SRV 0 100 80 web.default.svc.cluster.local.']);
  const ptr = await dig(port, ['-x', String(ip)]);
  assert.deepEqual(ptr.answers.map((l) => l.split(' ').slice(1).join(' ')), ['PTR web.default.svc.cluster.local.']);

  await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } });
  await api.client.resource<EndpointSlice>('endpointslices').create({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'db-1', namespace: 'default', labels: { [LABEL_SERVICE_NAME]: 'db' } },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.244.0.5'], hostname: 'db-0', conditions: { ready: true } },
      { addresses: ['10.244.0.6'], conditions: { ready: true } },
    ],
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  });
  await withLogs(waitFor('headless A', async () => (await dig(port, ['db.default.svc.cluster.local'])).answers.length === 2, 10_000, 50));
  assert.deepEqual((await dig(port, ['db-0.db.default.svc.cluster.local'])).answers, ['db-0.db.default.svc.cluster.local. A 10.244.0.5']);

  await services.delete('default', 'web');
  await withLogs(waitFor('NXDOMAIN after delete', async () => (await dig(port, ['web.default.svc.cluster.local'])).status === 'NXDOMAIN', 10_000, 50));
});
