import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, DnsFormatError, newQuery, responseTo, TYPE, CLASS, RCODE, reverseName, addressFromReverse, nameToLabels } from './index';
import type { Message, ResourceRecord } from './index';

const IN = CLASS.IN;
const records: ResourceRecord[] = [
  { name: 'web.default.svc.cluster.local', class: IN, ttl: 5, type: 'A', address: '10.96.0.10' },
  { name: 'web.default.svc.cluster.local', class: IN, ttl: 5, type: 'AAAA', address: '2001:db8::1' },
  { name: 'ext.default.svc.cluster.local', class: IN, ttl: 5, type: 'CNAME', target: 'example.com' },
  { name: '_http._tcp.web.default.svc.cluster.local', class: IN, ttl: 5, type: 'SRV', priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' },
  { name: '10.0.96.10.in-addr.arpa', class: IN, ttl: 5, type: 'PTR', target: 'web.default.svc.cluster.local' },
  { name: 'dns-version.cluster.local', class: IN, ttl: 5, type: 'TXT', texts: ['1.1.0', ''] },
  { name: 'cluster.local', class: IN, ttl: 5, type: 'NS', target: 'ns.dns.cluster.local' },
  { name: 'example.com', class: IN, ttl: 300, type: 'MX', preference: 10, exchange: 'mail.example.com' },
  { name: 'cluster.local', class: IN, ttl: 5, type: 'SOA', mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 4294967295, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 },
  { name: 'x.example', class: IN, ttl: 1, type: 'RAW', code: 99, rdata: Buffer.from([1, 2, 3]) },
];

function full(partial: Partial<Message>): Message {
  return { ...responseTo(newQuery('web.default.svc.cluster.local', TYPE.A, { id: 4242 })), ...partial };
}

test('every record type round-trips', () => {
  for (const rr of records) {
    const msg = full({ answers: [rr], authority: [rr], additional: [rr] });
    const back = decode(encode(msg));
    assert.deepEqual(back.answers, [rr], rr.type);
    assert.deepEqual(back.authority, [rr], rr.type);
    assert.deepEqual(back.additional, [rr], rr.type);
  }
});

test('header flags and EDNS round-trip, extended rcode travels in OPT', () => {
  const msg = full({ aa: true, tc: true, rd: false, ra: true, ad: true, cd: true, opcode: 2, rcode: RCODE.BADVERS, edns: { udpSize: 1232, version: 0, dnssecOk: true, options: [{ code: 10, data: Buffer.from('cookie!!') }] } });
  const back = decode(encode(msg));
  assert.deepEqual(back, msg);
});

test('names are compressed on write and case is preserved', () => {
  const owner = 'Web.Default.svc.cluster.local';
  const answers: ResourceRecord[] = Array.from({ length: 10 }, (_, i) => ({ name: owner, class: IN, ttl: 5, type: 'A', address: `10.0.0.${i}` }));
  const msg = full({ questions: [{ name: owner, type: TYPE.A, class: IN }], answers });
  const wire = encode(msg);
  // header 12 + question (31+4) + 10 * (2 pointer + 10 fixed + 4 rdata)
  assert.equal(wire.length, 12 + 31 + 4 + 10 * 16);
  assert.equal(decode(wire).answers[3].name, owner);
});

test('labels with dots and odd bytes survive as escapes', () => {
  const name = 'a\\.b.c\\032d\\255.example';
  assert.deepEqual(nameToLabels(name), ['a.b', 'c d\xff', 'example']);
  const msg = full({ questions: [{ name, type: TYPE.TXT, class: IN }] });
  assert.equal(decode(encode(msg)).questions[0].name, name);
});

test('truncation: drop additional first, then everything with TC', () => {
  const answers: ResourceRecord[] = Array.from({ length: 100 }, (_, i) => ({ name: 'h.default.svc.cluster.local', class: IN, ttl: 5, type: 'A', address: `10.1.${i}.1` }));
  const small = full({ answers: answers.slice(0, 2), additional: answers });
  const a = decode(encode(small, { maxSize: 512 }));
  assert.equal(a.tc, false);
  assert.equal(a.answers.length, 2);
  assert.equal(a.additional.length, 0);
  const big = full({ answers, edns: { udpSize: 1232, version: 0, dnssecOk: false, options: [] } });
  const wire = encode(big, { maxSize: 512 });
  assert.ok(wire.length <= 512);
  const b = decode(wire);
  assert.equal(b.tc, true);
  assert.equal(b.answers.length, 0);
  assert.equal(b.questions.length, 1);
  assert.ok(b.edns);
  assert.equal(decode(encode(big, { maxSize: 65535 })).answers.length, 100);
});

const base = encode(full({ answers: [records[0]] }));
const malformed: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['short header', Buffer.alloc(11)],
  ['counts larger than message', Buffer.from([0, 1, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0])],
  ['truncated answer', base.subarray(0, base.length - 2)],
  ['pointer to itself', Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 12, 0, 1, 0, 1])])],
  ['forward pointer', Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 20, 0, 1, 0, 1, 1, 97, 0])])],
  ['pointer past end', Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xff, 0xff, 0, 1, 0, 1])])],
  ['label type 0x40', Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0x41, 97, 0, 0, 1, 0, 1])])],
  ['label past end', Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([10, 97, 0, 0, 1, 0, 1])])],
  ['name over 255 octets', Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([60]), Buffer.alloc(60, 97)])), Buffer.from([0, 0, 1, 0, 1])])],
  ['A with 5-byte rdata', Buffer.concat([Buffer.from([0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0]), Buffer.from([0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 5, 1, 2, 3, 4, 5])])],
  ['OPT in answer section', Buffer.concat([Buffer.from([0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0]), Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0])])],
];

for (const [what, wire] of malformed) {
  test(`malformed: ${what} -> DnsFormatError`, () => {
    assert.throws(() => decode(wire), DnsFormatError);
  });
}

test('a pointer chain that loops through earlier names is bounded', () => {
  // question name: label "a" then pointer back to offset 12 (itself): must not loop.
  const wire = Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([1, 97, 0xc0, 12, 0, 1, 0, 1])]);
  assert.throws(() => decode(wire), DnsFormatError);
});

test('dig-style query with EDNS and a cookie parses', () => {
  const hex = 'b1a40120000100000000000103777777076578616d706c6503636f6d0000010001000029100000000000000c000a00084a2b3c4d5e6f7081';
  const m = decode(Buffer.from(hex, 'hex'));
  assert.equal(m.id, 0xb1a4);
  assert.equal(m.rd, true);
  assert.equal(m.ad, true);
  assert.deepEqual(m.questions, [{ name: 'www.example.com', type: TYPE.A, class: IN }]);
  assert.equal(m.edns?.udpSize, 4096);
  assert.equal(m.edns?.options[0].code, 10);
});

test('reverse names both ways', () => {
  const cases: Array<[string, string]> = [
    ['10.96.0.1', '1.0.96.10.in-addr.arpa'],
    ['2001:db8::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'],
  ];
  for (const [ip, rev] of cases) {
    assert.equal(reverseName(ip), rev);
    assert.equal(addressFromReverse(rev.toUpperCase()), ip);
  }
  assert.equal(addressFromReverse('0.96.10.in-addr.arpa'), undefined);
  assert.equal(addressFromReverse('300.0.96.10.in-addr.arpa'), undefined);
});
