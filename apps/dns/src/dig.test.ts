// The server on a loopback port with the fixture cluster, queried by the real dig over
// UDP and TCP; forwarding goes to a fake upstream on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { CLASS, RCODE, fuzzPackets } from '@svcnet/dns-message';
import { sampleCluster } from '@svcnet/dns-records/testing';
import { startDnsApp } from './app';
import type { DnsApp } from './app';
import { FakeUpstream } from './testing/fake-upstream';
import { dig } from './testing/dig';

let app: DnsApp;
let upstream: FakeUpstream;

before(async () => {
  upstream = new FakeUpstream({
    'example.com 1': { answers: [{ name: 'example.com', class: CLASS.IN, ttl: 300, type: 'A', address: '192.0.2.10' }] },
    'example.com 28': { answers: [], authority: [FakeUpstream.soa('example.com', 60, 30)] },
  });
  await upstream.start();
  app = await startDnsApp({ listen: { host: '127.0.0.1', port: 0 }, zone: 'cluster.local', ttl: 5, upstreams: [{ host: '127.0.0.1', port: upstream.port }], view: sampleCluster(100), healthPort: 0 });
});

after(async () => {
  await app.stop();
  await upstream.stop();
});

interface Case {
  args: string[];
  status: string;
  answers?: string[];
  authority?: string[];
  aa?: boolean;
}

const cases: Case[] = [
  { args: ['web.default.svc.cluster.local', 'A'], status: 'NOERROR', answers: ['web.default.svc.cluster.local. A 10.96.0.10'], aa: true },
  { args: ['WeB.DeFault.svc.Cluster.Local', 'A'], status: 'NOERROR', answers: ['WeB.DeFault.svc.Cluster.Local. A 10.96.0.10'] },
  { args: ['web.default.svc.cluster.local', 'AAAA'], status: 'NOERROR', answers: [], authority: ['cluster.local. SOA ns.dns.cluster.local. hostmaster.cluster.local.'] },
  { args: ['missing.default.svc.cluster.local', 'A'], status: 'NXDOMAIN', answers: [], authority: ['cluster.local. SOA ns.dns.cluster.local. hostmaster.cluster.local.'] },
  { args: ['_http._tcp.web.default.svc.cluster.local', 'SRV'], status: 'NOERROR', answers: ['_http._tcp.web.default.svc.cluster.local. SRV 0 100 80 web.default.svc.cluster.local.'] },
  { args: ['db.default.svc.cluster.local', 'A'], status: 'NOERROR', answers: ['db.default.svc.cluster.local. A 10.244.1.5', 'db.default.svc.cluster.local. A 10.244.1.6'] },
  { args: ['db-0.db.default.svc.cluster.local', 'A'], status: 'NOERROR', answers: ['db-0.db.default.svc.cluster.local. A 10.244.1.5'] },
  { args: ['-x', '10.96.0.10'], status: 'NOERROR', answers: ['10.0.96.10.in-addr.arpa. PTR web.default.svc.cluster.local.'] },
  { args: ['10-244-1-5.default.pod.cluster.local', 'A'], status: 'NOERROR', answers: ['10-244-1-5.default.pod.cluster.local. A 10.244.1.5'] },
  { args: ['dns-version.cluster.local', 'TXT'], status: 'NOERROR', answers: ['dns-version.cluster.local. TXT "1.1.0"'] },
  { args: ['cluster.local', 'SOA'], status: 'NOERROR' },
  { args: ['cluster.local', 'NS'], status: 'NOERROR', answers: ['cluster.local. NS ns.dns.cluster.local.'] },
  // ExternalName: CNAME, then the target resolved upstream and appended
  { args: ['ext.default.svc.cluster.local', 'A'], status: 'NOERROR', answers: ['ext.default.svc.cluster.local. CNAME example.com.', 'example.com. A 192.0.2.10'] },
  { args: ['extlocal.default.svc.cluster.local', 'A'], status: 'NOERROR', answers: ['extlocal.default.svc.cluster.local. CNAME web.default.svc.cluster.local.', 'web.default.svc.cluster.local. A 10.96.0.10'] },
  // forwarded
  { args: ['example.com', 'A'], status: 'NOERROR', answers: ['example.com. A 192.0.2.10'], aa: false },
  { args: ['example.com', 'AAAA'], status: 'NOERROR', answers: [], authority: ['example.com. SOA ns.example.com. h.example.com.'] },
  { args: ['nothing.example.org', 'A'], status: 'NXDOMAIN', answers: [] },
  // classes and opcodes we do not serve
  { args: ['version.bind', 'TXT', '-c', 'CH'], status: 'REFUSED' },
  { args: ['cluster.local', 'SOA', '+opcode=notify'], status: 'NOTIMP' },
  { args: ['cluster.local', 'SOA', '+opcode=update'], status: 'NOTIMP' },
];

for (const transport of ['udp', 'tcp']) {
  for (const c of cases) {
    test(`${transport}: dig ${c.args.join(' ')} -> ${c.status}`, async () => {
      const r = await dig(app.port, [...c.args, ...(transport === 'tcp' ? ['+tcp'] : ['+notcp'])]);
      assert.equal(r.status, c.status, r.raw);
      if (c.answers) assert.deepEqual(r.answers, c.answers, r.raw);
      // authority compared without the SOA's numbers (the serial moves)
      if (c.authority) assert.deepEqual(r.authority.map((l) => l.split(' ').slice(0, 4).join(' ')), c.authority, r.raw);
      if (c.aa !== undefined) assert.equal(r.flags.includes('aa'), c.aa, r.raw);
      assert.ok(!r.flags.includes('tc'), r.raw);
    });
  }
}

test('100 endpoints: truncated (TC) over UDP, complete over TCP, and dig retries on its own', async () => {
  const udp = await dig(app.port, ['big.default.svc.cluster.local', 'A', '+ignore', '+bufsize=1232']);
  assert.ok(udp.flags.includes('tc'), udp.raw);
  assert.equal(udp.answers.length, 0);
  const noEdns = await dig(app.port, ['big.default.svc.cluster.local', 'A', '+ignore', '+noedns']);
  assert.ok(noEdns.flags.includes('tc'), noEdns.raw);
  assert.ok(Buffer.byteLength(noEdns.raw) > 0);
  const auto = await dig(app.port, ['big.default.svc.cluster.local', 'A']);
  assert.match(auto.raw, /Truncated, retrying in TCP mode/);
  assert.equal(auto.answers.length, 100, auto.raw);
  assert.equal(auto.status, 'NOERROR');
  const tcp = await dig(app.port, ['big.default.svc.cluster.local', 'A', '+tcp']);
  assert.equal(tcp.answers.length, 100);
  assert.ok(!tcp.flags.includes('tc'));
  // a large EDNS buffer is clamped to 1232, so still truncated over UDP
  const bigBuf = await dig(app.port, ['big.default.svc.cluster.local', 'A', '+ignore', '+bufsize=4096']);
  assert.ok(bigBuf.flags.includes('tc'));
  // SRV with 100 targets and glue over TCP
  const srv = await dig(app.port, ['_http._tcp.big.default.svc.cluster.local', 'SRV', '+tcp']);
  assert.equal(srv.answers.length, 100);
  assert.equal(srv.additional.filter((l) => / A /.test(l)).length, 100);
});

test('forwarded answers are cached (TTL counts down), negative answers too', async () => {
  await dig(app.port, ['cached.example.com', 'A']);
  const before = upstream.udpQueries;
  const r = await dig(app.port, ['cached.example.com', 'A']);
  assert.equal(r.status, 'NXDOMAIN');
  // the fake's NXDOMAIN carries no SOA, so it is not cacheable: asked again
  assert.equal(upstream.udpQueries, before + 1);
  const n1 = upstream.udpQueries;
  await dig(app.port, ['example.com', 'AAAA']);
  await dig(app.port, ['example.com', 'AAAA']);
  assert.equal(upstream.udpQueries, n1, 'NODATA with SOA must come from the cache');
  await dig(app.port, ['example.com', 'A']);
  assert.equal(upstream.udpQueries, n1, 'positive answer must come from the cache');
  assert.ok(app.metrics.cache.get({ result: 'hit' }) >= 3);
});

test('/metrics and /readyz', async () => {
  const m = await (await fetch(`http://127.0.0.1:${app.healthPort}/metrics`)).text();
  // CoreDNS's names and labels (issue 16); the old dns_queries_total / dns_query_duration_seconds are gone
  assert.match(m, /coredns_dns_requests_total\{family="1",proto="udp",server="[^"]*",type="A",view="",zone="."\} \d+/);
  assert.match(m, /coredns_dns_responses_total\{plugin="kubernetes",rcode="NOERROR",server="[^"]*",view="",zone="."\} \d+/);
  assert.match(m, /coredns_dns_request_duration_seconds_bucket\{server="[^"]*",type="A",view="",zone=".",le="0.001"\} \d+/);
  assert.doesNotMatch(m, /^dns_queries_total|^dns_query_duration_seconds/m);
  assert.match(m, /dns_cache_requests_total\{result="hit"\} \d+/);
  assert.equal((await fetch(`http://127.0.0.1:${app.healthPort}/readyz`)).status, 200);
  assert.equal((await fetch(`http://127.0.0.1:${app.healthPort}/healthz`)).status, 200);
  assert.equal(RCODE.NOERROR, 0);
});

test('garbage over UDP and TCP does not disturb the server', async () => {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let replies = 0;
  sock.on('message', () => replies++);
  const packets: Buffer[] = [];
  fuzzPackets(5000, 0xbad, (p) => packets.push(p));
  for (let i = 0; i < packets.length; i++) {
    if (packets[i].length) sock.send(packets[i], app.port, '127.0.0.1');
    if (i % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  // TCP: a length prefix promising more than is sent, a zero-length frame, random bytes
  for (const junk of [Buffer.from([0xff, 0xff, 1, 2, 3]), Buffer.from([0, 0]), Buffer.from([0, 3, 1, 2, 3]), packets[7]]) {
    await new Promise<void>((resolve) => {
      const c = net.connect(app.port, '127.0.0.1', () => c.end(junk));
      c.on('error', () => resolve());
      c.on('close', () => resolve());
      c.resume();
    });
  }
  await new Promise((r) => setTimeout(r, 300));
  sock.close();
  assert.ok(replies > 100, `answers to fuzzed queries: ${replies}`);
  const r = await dig(app.port, ['web.default.svc.cluster.local']);
  assert.deepEqual(r.answers, ['web.default.svc.cluster.local. A 10.96.0.10']);
  assert.equal((await dig(app.port, ['web.default.svc.cluster.local', '+tcp'])).status, 'NOERROR');
});
