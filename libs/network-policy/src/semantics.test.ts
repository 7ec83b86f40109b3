// NetworkPolicy semantics on the rendered ruleset, by tracing packets through the fake: the
// upstream e2e model's cases, each compared with its expected truth table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicy } from '@svcnet/api-types';
import { modelCluster, modelIP, modelNamespaces, modelPod, np } from './model-fixture';
import { MODEL_PEERS, TruthTable, nsOf, podOf } from './truth-table';

const self = (f: string, t: string) => f === t;

async function expectTable(policies: NetworkPolicy[], want: TruthTable, protocol = 'TCP', port = 80, opts: Parameters<typeof modelCluster>[1] = {}) {
  const c = await modelCluster(policies, opts);
  const got = c.table(protocol, port);
  assert.ok(got.equals(want), `${protocol}/${port}: got (\"*\" = unexpected)\n${got.render(want)}`);
  return c;
}

const denyIngressX = np('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });

test('no policies: everything allowed', async () => {
  await expectTable([], new TruthTable());
});

test('default-deny ingress', async () => {
  const want = new TruthTable().where((f, t) => nsOf(t) === 'x' && !self(f, t), false);
  await expectTable([denyIngressX], want);
  await expectTable([denyIngressX], want, 'UDP', 81);
});

test('default-deny egress', async () => {
  const p = np('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
  await expectTable([p], new TruthTable().where((f, t) => nsOf(f) === 'x' && !self(f, t), false));
});

test('allow all ingress ({} rule) even with a default deny', async () => {
  await expectTable([denyIngressX, np('x', 'allow-all', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] })], new TruthTable());
});

test('allow from the same namespace', async () => {
  const p = np('x', 'same-ns', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }], policyTypes: ['Ingress'] });
  await expectTable([p], new TruthTable().where((f, t) => nsOf(t) === 'x' && nsOf(f) !== 'x', false));
});

test('allow from a namespace by label', async () => {
  const p = np('x', 'from-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }], policyTypes: ['Ingress'] });
  await expectTable([p], new TruthTable().where((f, t) => t === 'x/a' && nsOf(f) !== 'y' && f !== t, false));
});

test('allow from pods by label in any namespace (empty namespaceSelector)', async () => {
  const p = np('x', 'from-b-anywhere', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: 'b' } } }] }], policyTypes: ['Ingress'] });
  await expectTable([p], new TruthTable().where((f, t) => t === 'x/a' && podOf(f) !== 'b' && f !== t, false));
});

test('pod AND namespace selector in one peer', async () => {
  const p = np('x', 'and', {
    podSelector: { matchLabels: { pod: 'a' } },
    ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] }, podSelector: { matchLabels: { pod: 'b' } } }] }],
    policyTypes: ['Ingress'],
  });
  await expectTable([p], new TruthTable().where((f, t) => t === 'x/a' && !(podOf(f) === 'b' && nsOf(f) !== 'x') && f !== t, false));
});

test('pod OR namespace selector as two peers', async () => {
  const p = np('x', 'or', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'b' } } }] }], policyTypes: ['Ingress'] });
  await expectTable([p], new TruthTable().where((f, t) => t === 'x/a' && !(nsOf(f) === 'y' || f === 'x/b') && f !== t, false));
});

test('ingress on a named port: only that port and protocol', async () => {
  const p = np('x', 'named', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }] }], policyTypes: ['Ingress'] });
  await expectTable([p], new TruthTable());
  const denied = new TruthTable().where((f, t) => t === 'x/a' && f !== t, false);
  await expectTable([p], denied, 'TCP', 81);
  await expectTable([p], denied, 'UDP', 80);
});

test('a named port no container declares matches nothing', async () => {
  const p = np('x', 'no-such', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 'nope', protocol: 'TCP' }] }], policyTypes: ['Ingress'] });
  await expectTable([p], new TruthTable().where((f, t) => t === 'x/a' && f !== t, false));
});

test('numeric port and a port range with endPort', async () => {
  const p81 = np('x', 'p81', { podSelector: {}, ingress: [{ ports: [{ port: 81, protocol: 'TCP' }] }], policyTypes: ['Ingress'] });
  const deniedX = new TruthTable().where((f, t) => nsOf(t) === 'x' && f !== t, false);
  await expectTable([p81], deniedX, 'TCP', 80);
  await expectTable([p81], new TruthTable(), 'TCP', 81);
  const range = np('x', 'range', { podSelector: {}, ingress: [{ ports: [{ port: 81, endPort: 90, protocol: 'TCP' }] }], policyTypes: ['Ingress'] });
  await expectTable([range], deniedX, 'TCP', 80);
  await expectTable([range], new TruthTable(), 'TCP', 81);
  const c = await modelCluster([range]);
  assert.equal(c.probe('y/a', 'x/a', 'TCP', 90), true);
  assert.equal(c.probe('y/a', 'x/a', 'TCP', 91), false);
});

test('ipBlock with except', async () => {
  // Allow from x/b's /24 except x/b itself: node-1's pods but x/b.
  const p = np('x', 'cidr', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.244.1.0/24', except: [`${modelIP('x/b')}/32`] } }] }], policyTypes: ['Ingress'] });
  await expectTable([p], new TruthTable().where((f, t) => t === 'x/a' && (podOf(f) === 'c' || f === 'x/b') && f !== t, false));
});

test('egress to a CIDR and on a port', async () => {
  const cidr = np('x', 'egress-cidr', { podSelector: { matchLabels: { pod: 'a' } }, egress: [{ to: [{ ipBlock: { cidr: '10.244.2.0/24' } }] }], policyTypes: ['Egress'] });
  await expectTable([cidr], new TruthTable().where((f, t) => f === 'x/a' && podOf(t) !== 'c' && f !== t, false));
  const port = np('x', 'egress-81', { podSelector: {}, egress: [{ ports: [{ port: 81, protocol: 'UDP' }] }], policyTypes: ['Egress'] });
  await expectTable([port], new TruthTable(), 'UDP', 81);
  await expectTable([port], new TruthTable().where((f, t) => nsOf(f) === 'x' && f !== t, false), 'UDP', 80);
});

test('egress on a named port resolves on the destination pod', async () => {
  const p = np('x', 'egress-named', { podSelector: {}, egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 'serve-81-tcp' }] }], policyTypes: ['Egress'] });
  await expectTable([p], new TruthTable(), 'TCP', 81);
  await expectTable([p], new TruthTable().where((f, t) => nsOf(f) === 'x' && f !== t, false), 'TCP', 80);
});

test('multiple policies: the union of their rules', async () => {
  const fromY = np('x', 'from-y', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] });
  const fromZc = np('x', 'from-zc', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'z' } }, podSelector: { matchLabels: { pod: 'c' } } }] }] });
  await expectTable([fromY, fromZc], new TruthTable().where((f, t) => nsOf(t) === 'x' && !(nsOf(f) === 'y' || f === 'z/c') && f !== t, false));
});

test('egress and ingress both apply to same-node and cross-node traffic', async () => {
  const denyEgressY = np('y', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
  await expectTable([denyIngressX, denyEgressY], new TruthTable().where((f, t) => (nsOf(t) === 'x' || nsOf(f) === 'y') && f !== t, false));
});

test('established connections and replies always pass; new ones are dropped', async () => {
  const c = await modelCluster([denyIngressX, np('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] })]);
  assert.equal(c.probe('y/a', 'x/a', 'TCP', 80, 'new'), false);
  assert.equal(c.probe('y/a', 'x/a', 'TCP', 80, 'established'), true);
  assert.equal(c.probe('x/a', 'y/a', 'TCP', 80, 'established'), true);
});

test('a rule with ports does not allow other protocols (ICMP); {} allows them', async () => {
  const ports = await modelCluster([np('x', 'tcp80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })]);
  assert.equal(ports.probe('y/a', 'x/a', 'ICMP', 0), false);
  const all = await modelCluster([np('x', 'all', { podSelector: {}, ingress: [{}] })]);
  assert.equal(all.probe('y/a', 'x/a', 'ICMP', 0), true);
});

test('pod and namespace label changes move pods in and out of policies', async () => {
  const p = np('x', 'from-web', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } }, podSelector: { matchLabels: { role: 'client' } } }] }] });
  const pods = MODEL_PEERS.map((peer) => modelPod(peer, peer === 'y/b' ? { pod: 'b', role: 'client' } : undefined));
  const before = await modelCluster([p], { pods });
  assert.equal(before.probe('y/b', 'x/a'), false);
  const after = await modelCluster([p], { pods, namespaces: modelNamespaces({ y: { team: 'web' } }) });
  assert.equal(after.probe('y/b', 'x/a'), true);
  assert.equal(after.probe('y/a', 'x/a'), false);
});
