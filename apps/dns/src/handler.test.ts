import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASS, DnsFormatError, OPCODE, RCODE, TYPE, decode, encode, newQuery, fuzzPackets } from '@svcnet/dns-message';
import { sampleCluster } from '@svcnet/dns-records/testing';
import { QueryHandler, udpLimit, formErr } from './handler';
import { DnsMetrics } from './metrics';

const metrics = new DnsMetrics();
const view = sampleCluster(100);
const handler = new QueryHandler({ view: () => view, config: () => ({ zone: 'cluster.local', ttl: 5 }), metrics });

async function ask(msg: ReturnType<typeof newQuery>, transport: 'udp' | 'tcp' = 'udp') {
  const out = await handler.handle(encode(msg), transport);
  return out && decode(out);
}

test('protocol edge cases', async () => {
  const cases: Array<[string, (m: ReturnType<typeof newQuery>) => void, number]> = [
    ['plain A', () => {}, RCODE.NOERROR],
    ['opcode NOTIFY', (m) => (m.opcode = OPCODE.NOTIFY), RCODE.NOTIMP],
    ['opcode UPDATE', (m) => (m.opcode = OPCODE.UPDATE), RCODE.NOTIMP],
    ['no question', (m) => (m.questions = []), RCODE.FORMERR],
    ['two questions', (m) => m.questions.push({ ...m.questions[0] }), RCODE.FORMERR],
    ['class CH', (m) => (m.questions[0].class = CLASS.CH), RCODE.REFUSED],
    ['AXFR', (m) => (m.questions[0].type = TYPE.AXFR), RCODE.REFUSED],
    ['EDNS version 1', (m) => (m.edns = { udpSize: 1232, version: 1, dnssecOk: false, options: [] }), RCODE.BADVERS],
    ['outside the zone without forwarder', (m) => (m.questions[0].name = 'example.com'), RCODE.REFUSED],
  ];
  for (const [what, mutate, rcode] of cases) {
    const m = newQuery('web.default.svc.cluster.local', TYPE.A, { id: 99 });
    mutate(m);
    const r = await ask(m);
    assert.ok(r, what);
    assert.equal(r.rcode, rcode, what);
    assert.equal(r.id, 99, what);
    assert.equal(r.qr, true, what);
  }
});

test('responses are never answered; garbage gets FORMERR or nothing', async () => {
  const m = newQuery('web.default.svc.cluster.local', TYPE.A);
  m.qr = true;
  assert.equal(await handler.handle(encode(m), 'udp'), undefined);
  assert.equal(await handler.handle(Buffer.from([1, 2, 3]), 'udp'), undefined);
  const fe = await handler.handle(Buffer.from('abcd0100000100000000000003', 'hex'), 'udp');
  assert.ok(fe);
  const r = decode(fe);
  assert.equal(r.rcode, RCODE.FORMERR);
  assert.equal(r.id, 0xabcd);
  assert.equal(r.rd, true);
  assert.equal(formErr(Buffer.from('abcd8100000000000000000000', 'hex')), undefined);
  assert.ok(metrics.malformed.get({ proto: 'udp' }) >= 1);
  const odd = newQuery('web.default.svc.cluster.local', 4242);
  await ask(odd);
  assert.equal(metrics.queries.get({ proto: 'udp', type: 'other', rcode: 'NOERROR' }), 1);
});

test('UDP limit: 512 without EDNS, client size clamped to [512, 1232]', () => {
  const m = newQuery('x', TYPE.A);
  assert.equal(udpLimit(m, 1232), 512);
  for (const [size, want] of [[100, 512], [1000, 1000], [4096, 1232]]) {
    m.edns = { udpSize: size, version: 0, dnssecOk: false, options: [] };
    assert.equal(udpLimit(m, 1232), want);
  }
});

test('big answers: TC over UDP, complete over TCP', async () => {
  const m = newQuery('big.default.svc.cluster.local', TYPE.A, { udpSize: 1232 });
  const udp = await ask(m, 'udp');
  assert.equal(udp?.tc, true);
  assert.equal(udp?.answers.length, 0);
  const tcp = await ask(m, 'tcp');
  assert.equal(tcp?.tc, false);
  assert.equal(tcp?.answers.length, 100);
});

test('fuzz: 100k random and mutated packets through the whole handler', { timeout: 120_000 }, async () => {
  const started = Date.now();
  let answered = 0;
  let dropped = 0;
  const packets: Buffer[] = [];
  fuzzPackets(100_000, 0xd15, (p) => packets.push(p));
  for (const p of packets) {
    let out: Buffer | undefined;
    try {
      out = await handler.handle(p, answered % 2 ? 'udp' : 'tcp');
    } catch (e) {
      throw new Error(`handler threw ${(e as Error).name}: ${(e as Error).message} for ${p.toString('hex')}`);
    }
    if (!out) {
      dropped++;
      continue;
    }
    answered++;
    // every answer we send must itself be a well-formed DNS message
    try {
      const r = decode(out);
      assert.equal(r.qr, true);
    } catch (e) {
      assert.ok(!(e instanceof DnsFormatError), `we produced a malformed answer for ${p.toString('hex')}`);
      throw e;
    }
  }
  assert.equal(answered + dropped, 100_000);
  assert.ok(answered > 10_000);
  assert.ok(Date.now() - started < 110_000);
});
