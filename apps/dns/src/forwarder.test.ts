import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { CLASS, RCODE, TYPE } from '@svcnet/dns-message';
import type { ResourceRecord } from '@svcnet/dns-message';
import { DnsCache, cacheKey, cacheTTL } from './cache';
import { Forwarder, parseUpstream, resolvConfNameservers } from './forwarder';
import { FakeUpstream } from './testing/fake-upstream';

const A = (name: string, ttl: number, address: string): ResourceRecord => ({ name, class: CLASS.IN, ttl, type: 'A', address });
const q = (name: string, type: number = TYPE.A) => ({ name, type, class: CLASS.IN });

test('upstream and resolv.conf parsing', () => {
  assert.deepEqual(parseUpstream('10.0.0.1'), { host: '10.0.0.1', port: 53 });
  assert.deepEqual(parseUpstream('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
  assert.deepEqual(parseUpstream('[::1]:54'), { host: '::1', port: 54 });
  assert.deepEqual(parseUpstream('fd00::53'), { host: 'fd00::53', port: 53 });
  assert.deepEqual(resolvConfNameservers('# x\nsearch a b\nnameserver 10.0.0.2\n nameserver fe80::1%eth0\noptions ndots:5\n'), [
    { host: '10.0.0.2', port: 53 },
    { host: 'fe80::1', port: 53 },
  ]);
});

test('cache TTLs: smallest answer TTL, SOA negative TTL, no caching of SERVFAIL', () => {
  const soa = FakeUpstream.soa('example.com', 60, 30);
  const cases: Array<[string, Parameters<typeof cacheTTL>[0], number]> = [
    ['positive', { rcode: RCODE.NOERROR, answers: [A('a', 300, '1.1.1.1'), A('a', 20, '1.1.1.2')], authority: [], additional: [] }, 20],
    ['positive capped', { rcode: RCODE.NOERROR, answers: [A('a', 86400 * 7, '1.1.1.1')], authority: [], additional: [] }, 3600],
    ['nxdomain with SOA', { rcode: RCODE.NXDOMAIN, answers: [], authority: [soa], additional: [] }, 30],
    ['nodata with SOA', { rcode: RCODE.NOERROR, answers: [], authority: [{ ...soa, ttl: 10 }], additional: [] }, 10],
    ['nxdomain without SOA', { rcode: RCODE.NXDOMAIN, answers: [], authority: [], additional: [] }, 0],
    ['servfail', { rcode: RCODE.SERVFAIL, answers: [], authority: [], additional: [] }, 0],
  ];
  for (const [what, a, ttl] of cases) assert.equal(cacheTTL(a, 3600, 1800), ttl, what);
});

test('cache entries age and expire', () => {
  let now = 1_000_000;
  const c = new DnsCache({ now: () => now, maxEntries: 2 });
  const k = cacheKey('Example.COM.', TYPE.A, CLASS.IN);
  assert.equal(k, cacheKey('example.com', TYPE.A, CLASS.IN));
  c.put(k, { rcode: 0, answers: [A('example.com', 10, '1.2.3.4')], authority: [], additional: [] });
  now += 4_000;
  assert.equal(c.get(k)?.answers[0].ttl, 6);
  now += 6_000;
  assert.equal(c.get(k), undefined);
  // LRU bound
  for (const n of ['a', 'b', 'c']) c.put(n, { rcode: 0, answers: [A(n, 10, '1.2.3.4')], authority: [], additional: [] });
  assert.equal(c.size, 2);
  assert.equal(c.get('a'), undefined);
});

test('a silent upstream gives SERVFAIL within 2 s; a closed port fails over at once', async () => {
  const dead = new FakeUpstream({});
  dead.silent = true;
  await dead.start();
  const good = new FakeUpstream({ 'ok.test 1': { answers: [A('ok.test', 30, '192.0.2.1')] } });
  await good.start();
  // a UDP port with nothing behind it: ICMP port unreachable
  const closed = dgram.createSocket('udp4');
  await new Promise<void>((r) => closed.bind(0, '127.0.0.1', () => r()));
  const closedPort = closed.address().port;
  await new Promise<void>((r) => closed.close(() => r()));
  try {
    const onlyDead = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: dead.port }] });
    let t = Date.now();
    assert.equal((await onlyDead.resolve(q('ok.test'))).rcode, RCODE.SERVFAIL);
    const took = Date.now() - t;
    assert.ok(took <= 2000 && took >= 1000, `took ${took} ms`);

    const closedThenGood = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: closedPort }, { host: '127.0.0.1', port: good.port }] });
    t = Date.now();
    const r = await closedThenGood.resolve(q('ok.test'));
    assert.equal(r.rcode, RCODE.NOERROR);
    assert.deepEqual(r.answers.map((a) => a.type === 'A' && a.address), ['192.0.2.1']);
    assert.ok(Date.now() - t < 500, 'port unreachable must fail over without waiting');

    const deadThenGood = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: dead.port }, { host: '127.0.0.1', port: good.port }] });
    t = Date.now();
    // two tries so the rotation starts once at each upstream
    for (let i = 0; i < 2; i++) assert.equal((await deadThenGood.resolve(q(`ok.test`))).rcode, RCODE.NOERROR);
    assert.ok(Date.now() - t < 2000);
  } finally {
    await dead.stop();
    await good.stop();
  }
});

test('truncated UDP answers are retried over TCP; concurrent identical questions share one query', async () => {
  const up = new FakeUpstream({ 'big.test 1': { answers: Array.from({ length: 50 }, (_, i) => A('big.test', 30, `198.51.100.${i}`)) } });
  up.truncateUdp = true;
  await up.start();
  try {
    const f = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: up.port }] });
    const rs = await Promise.all([f.resolve(q('big.test')), f.resolve(q('big.test')), f.resolve(q('BIG.test'))]);
    for (const r of rs) assert.equal(r.answers.length, 50);
    assert.equal(up.udpQueries, 1);
    assert.equal(up.tcpQueries, 1);
    assert.equal((await f.resolve(q('big.test'))).fromCache, true);
  } finally {
    await up.stop();
  }
});

test('no upstreams: SERVFAIL', async () => {
  assert.equal((await new Forwarder({ upstreams: [] }).resolve(q('x.test'))).rcode, RCODE.SERVFAIL);
});
