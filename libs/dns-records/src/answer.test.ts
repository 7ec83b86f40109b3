// Table-driven: question -> rcode, answer records (as dig-like strings), authority types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASS, RCODE, TYPE, rcodeName } from '@svcnet/dns-message';
import type { ResourceRecord } from '@svcnet/dns-message';
import { answer } from './index';
import { sampleCluster, svc, slice } from './testing';

function show(rr: ResourceRecord): string {
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return `${rr.name} ${rr.type} ${rr.address}`;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return `${rr.name} ${rr.type} ${rr.target}`;
    case 'SRV':
      return `${rr.name} SRV ${rr.priority} ${rr.weight} ${rr.port} ${rr.target}`;
    case 'TXT':
      return `${rr.name} TXT ${rr.texts.join(' ')}`;
    case 'SOA':
      return `${rr.name} SOA ${rr.mname} ${rr.rname}`;
    default:
      return `${rr.name} ${rr.type}`;
  }
}

interface Case {
  q: string;
  type: keyof typeof TYPE;
  rcode?: keyof typeof RCODE;
  answers?: string[];
  /** authority section record types; default: SOA when negative, none otherwise */
  authority?: string[];
  additional?: string[];
}

const Z = 'cluster.local';
const cases: Case[] = [
  // ClusterIP services
  { q: 'web.default.svc.cluster.local', type: 'A', answers: ['web.default.svc.cluster.local A 10.96.0.10'] },
  { q: 'WEB.Default.SVC.cluster.LOCAL', type: 'A', answers: ['WEB.Default.SVC.cluster.LOCAL A 10.96.0.10'] },
  { q: 'web.default.svc.cluster.local.', type: 'A', answers: ['web.default.svc.cluster.local. A 10.96.0.10'] },
  { q: 'web.default.svc.cluster.local', type: 'AAAA', answers: [] },
  { q: 'web.default.svc.cluster.local', type: 'MX', answers: [] },
  { q: 'dual.default.svc.cluster.local', type: 'AAAA', answers: ['dual.default.svc.cluster.local AAAA fd00::11'] },
  { q: 'dual.default.svc.cluster.local', type: 'ANY', answers: ['dual.default.svc.cluster.local A 10.96.0.11', 'dual.default.svc.cluster.local AAAA fd00::11'] },
  { q: 'nope.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  { q: 'web.other.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  // SRV for named ports
  { q: '_http._tcp.web.default.svc.cluster.local', type: 'SRV', answers: ['_http._tcp.web.default.svc.cluster.local SRV 0 100 80 web.default.svc.cluster.local'], additional: ['web.default.svc.cluster.local A 10.96.0.10'] },
  { q: '_dns._udp.web.default.svc.cluster.local', type: 'SRV', answers: ['_dns._udp.web.default.svc.cluster.local SRV 0 100 53 web.default.svc.cluster.local'], additional: ['web.default.svc.cluster.local A 10.96.0.10'] },
  { q: '_dns._tcp.web.default.svc.cluster.local', type: 'SRV', rcode: 'NXDOMAIN' },
  { q: '_nope._tcp.web.default.svc.cluster.local', type: 'SRV', rcode: 'NXDOMAIN' },
  { q: '_http._tcp.web.default.svc.cluster.local', type: 'A', answers: [] },
  { q: '_tcp.web.default.svc.cluster.local', type: 'SRV', answers: [] },
  { q: '_sctp.web.default.svc.cluster.local', type: 'SRV', rcode: 'NXDOMAIN' },
  { q: 'web.default.svc.cluster.local', type: 'SRV', answers: ['web.default.svc.cluster.local SRV 0 100 80 web.default.svc.cluster.local', 'web.default.svc.cluster.local SRV 0 100 53 web.default.svc.cluster.local'], additional: ['web.default.svc.cluster.local A 10.96.0.10'] },
  // headless
  { q: 'db.default.svc.cluster.local', type: 'A', answers: ['db.default.svc.cluster.local A 10.244.1.5', 'db.default.svc.cluster.local A 10.244.1.6'] },
  { q: 'db-0.db.default.svc.cluster.local', type: 'A', answers: ['db-0.db.default.svc.cluster.local A 10.244.1.5'] },
  { q: '10-244-1-6.db.default.svc.cluster.local', type: 'A', answers: ['10-244-1-6.db.default.svc.cluster.local A 10.244.1.6'] },
  { q: 'db-2.db.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  { q: 'db-0.db.default.svc.cluster.local', type: 'AAAA', answers: [] },
  { q: 'db-0.web.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  {
    q: '_pg._tcp.db.default.svc.cluster.local',
    type: 'SRV',
    answers: ['_pg._tcp.db.default.svc.cluster.local SRV 0 100 5432 db-0.db.default.svc.cluster.local', '_pg._tcp.db.default.svc.cluster.local SRV 0 100 5432 10-244-1-6.db.default.svc.cluster.local'],
    additional: ['db-0.db.default.svc.cluster.local A 10.244.1.5', '10-244-1-6.db.default.svc.cluster.local A 10.244.1.6'],
  },
  { q: 'pub.default.svc.cluster.local', type: 'A', answers: ['pub.default.svc.cluster.local A 10.244.2.9'] },
  { q: 'empty.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  // ExternalName
  { q: 'ext.default.svc.cluster.local', type: 'A', answers: ['ext.default.svc.cluster.local CNAME example.com'] },
  { q: 'ext.default.svc.cluster.local', type: 'CNAME', answers: ['ext.default.svc.cluster.local CNAME example.com'] },
  { q: 'x.ext.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  // PTR
  { q: '10.0.96.10.in-addr.arpa', type: 'PTR', answers: ['10.0.96.10.in-addr.arpa PTR web.default.svc.cluster.local'], authority: [] },
  { q: '5.1.244.10.in-addr.arpa', type: 'PTR', answers: ['5.1.244.10.in-addr.arpa PTR db-0.db.default.svc.cluster.local'], authority: [] },
  { q: '6.1.244.10.in-addr.arpa', type: 'PTR', answers: ['6.1.244.10.in-addr.arpa PTR 10-244-1-6.db.default.svc.cluster.local'], authority: [] },
  { q: '9.2.244.10.in-addr.arpa', type: 'PTR', answers: ['9.2.244.10.in-addr.arpa PTR 10-244-2-9.pub.default.svc.cluster.local'], authority: [] },
  // pods
  { q: '10-244-1-5.default.pod.cluster.local', type: 'A', answers: ['10-244-1-5.default.pod.cluster.local A 10.244.1.5'] },
  // spec 2.6: any a-b-c-d answers (pods "insecure", the default)
  { q: '10-244-1-99.default.pod.cluster.local', type: 'A', answers: ['10-244-1-99.default.pod.cluster.local A 10.244.1.99'] },
  { q: '1-2-3-4.kube-system.pod.cluster.local', type: 'A', answers: ['1-2-3-4.kube-system.pod.cluster.local A 1.2.3.4'] },
  { q: '1-2-3-4.default.pod.cluster.local', type: 'AAAA', answers: [] },
  { q: 'fd00--5.default.pod.cluster.local', type: 'AAAA', answers: ['fd00--5.default.pod.cluster.local AAAA fd00::5'] },
  { q: '1-2-3-256.default.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  { q: 'web.default.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  { q: 'default.pod.cluster.local', type: 'A', answers: [] },
  { q: 'nons.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  // zone structure
  { q: 'cluster.local', type: 'SOA', answers: ['cluster.local SOA ns.dns.cluster.local hostmaster.cluster.local'], authority: [] },
  { q: 'cluster.local', type: 'NS', answers: ['cluster.local NS ns.dns.cluster.local'], authority: [] },
  { q: 'cluster.local', type: 'A', answers: [] },
  { q: 'dns-version.cluster.local', type: 'TXT', answers: ['dns-version.cluster.local TXT 1.1.0'] },
  { q: 'dns-version.cluster.local', type: 'A', answers: [] },
  { q: 'svc.cluster.local', type: 'A', answers: [] },
  { q: 'default.svc.cluster.local', type: 'A', answers: [] },
  { q: 'kube-system.svc.cluster.local', type: 'A', answers: [] },
  { q: 'nons.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  { q: 'random.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
  { q: 'a.b.c.web.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN' },
];

const view = sampleCluster();
for (const c of cases) {
  test(`${c.type} ${c.q} -> ${c.rcode ?? 'NOERROR'}`, () => {
    const a = answer({ name: c.q, type: TYPE[c.type], class: CLASS.IN }, view, { zone: Z, ttl: 5 });
    assert.ok(a, 'should be answered locally');
    assert.equal(rcodeName(a.rcode), c.rcode ?? 'NOERROR');
    assert.equal(a.aa, true);
    const want = c.answers ?? [];
    assert.deepEqual(a.answers.map(show), want);
    for (const rr of [...a.answers, ...a.authority, ...a.additional]) assert.equal(rr.ttl, 5);
    const negative = want.length === 0;
    assert.deepEqual(a.authority.map((r) => r.type), c.authority ?? (negative ? ['SOA'] : []));
    if (c.additional) assert.deepEqual(a.additional.map(show), c.additional);
  });
}

test('names outside the zone and unknown reverse names are not ours', () => {
  for (const name of ['example.com', 'cluster.local.example.com', 'xcluster.local', '1.1.1.1.in-addr.arpa', '0.96.10.in-addr.arpa']) {
    assert.equal(answer({ name, type: TYPE.A, class: CLASS.IN }, view), undefined, name);
  }
});

test('pods verified: only IPs of pods in that namespace; disabled: none', () => {
  const cases: Array<[string, 'verified' | 'disabled', number, number]> = [
    ['10-244-1-5.default.pod.cluster.local', 'verified', RCODE.NOERROR, 1],
    ['10-244-1-99.default.pod.cluster.local', 'verified', RCODE.NXDOMAIN, 0],
    ['10-244-1-5.kube-system.pod.cluster.local', 'verified', RCODE.NXDOMAIN, 0],
    ['10-244-1-5.default.pod.cluster.local', 'disabled', RCODE.NXDOMAIN, 0],
  ];
  for (const [name, pods, rcode, n] of cases) {
    const a = answer({ name, type: TYPE.A, class: CLASS.IN }, view, { pods });
    assert.equal(a?.rcode, rcode, `${pods} ${name}`);
    assert.equal(a?.answers.length, n, `${pods} ${name}`);
  }
});

test('the tolerate-unready-endpoints annotation publishes not-ready endpoints', () => {
  const idx = sampleCluster();
  const s = svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] });
  s.metadata.annotations = { 'service.alpha.kubernetes.io/tolerate-unready-endpoints': 'true' };
  idx.upsertService(s);
  assert.equal(answer({ name: 'db.default.svc.cluster.local', type: TYPE.A, class: CLASS.IN }, idx)?.answers.length, 3);
});

test('other classes inside the zone are refused', () => {
  assert.equal(answer({ name: 'web.default.svc.cluster.local', type: TYPE.A, class: CLASS.CH }, view)?.rcode, RCODE.REFUSED);
});

test('configurable zone, TTL and serial', () => {
  const a = answer({ name: 'web.default.svc.corp.example', type: TYPE.A, class: CLASS.IN }, view, { zone: 'corp.example.', ttl: 30 });
  assert.equal(a?.answers[0].ttl, 30);
  const n = answer({ name: 'x.corp.example', type: TYPE.A, class: CLASS.IN }, view, { zone: 'corp.example', ttl: 30, serial: 77 });
  assert.equal(n?.rcode, RCODE.NXDOMAIN);
  const soa = n?.authority[0];
  assert.ok(soa && soa.type === 'SOA' && soa.serial === 77 && soa.name === 'corp.example');
  assert.equal(answer({ name: 'web.default.svc.cluster.local', type: TYPE.A, class: CLASS.IN }, view, { zone: 'corp.example' }), undefined);
});

test('the index follows updates and deletes', () => {
  const idx = sampleCluster();
  const q = { name: 'db.default.svc.cluster.local', type: TYPE.A, class: CLASS.IN };
  idx.upsertEndpointSlice(slice('default', 'db', 'db-second', [{ addresses: ['10.244.3.3'] }, { addresses: ['10.244.1.6'], conditions: { ready: false } }]));
  assert.deepEqual(answer(q, idx)?.answers.map(show), ['db.default.svc.cluster.local A 10.244.1.5', 'db.default.svc.cluster.local A 10.244.1.6', 'db.default.svc.cluster.local A 10.244.3.3']);
  idx.deleteEndpointSlice(slice('default', 'db', 'db-abc', []));
  assert.deepEqual(answer(q, idx)?.answers.map(show), ['db.default.svc.cluster.local A 10.244.3.3']);
  idx.upsertService(svc('default', 'web', { clusterIP: '10.96.5.5', ports: [] }));
  assert.equal(answer({ name: '10.0.96.10.in-addr.arpa', type: TYPE.PTR, class: CLASS.IN }, idx), undefined);
  assert.equal(answer({ name: '5.5.96.10.in-addr.arpa', type: TYPE.PTR, class: CLASS.IN }, idx)?.answers.length, 1);
  idx.deleteService(svc('default', 'web', {}));
  assert.equal(answer({ name: 'web.default.svc.cluster.local', type: TYPE.A, class: CLASS.IN }, idx)?.rcode, RCODE.NXDOMAIN);
});
