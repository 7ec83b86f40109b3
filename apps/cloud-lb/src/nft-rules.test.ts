import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from '@svcnet/nftables';
import { FakeNftables } from '@svcnet/nftables/testing';
import { diffLbRuleset, disjointRanges, LB_TABLE, renderLbRuleset } from './nft-rules';
import type { LbSpec } from './lb-spec';

const lb = (over: Partial<LbSpec> = {}): LbSpec => ({
  service: 'default/web',
  ip: '10.78.42.10',
  ports: [{ protocol: 'TCP', port: 80, nodePort: 30080 }, { protocol: 'UDP', port: 53, nodePort: 30053 }],
  backends: [{ node: 'n1', ip: '10.240.1.2' }, { node: 'n2', ip: '10.240.2.2' }],
  healthCheck: { kind: 'tcp', port: 30080 },
  sourceRanges: [],
  externalTrafficPolicy: 'Local',
  ...over,
});
const all = (s: LbSpec) => ({ lb: s, nodesFor: () => s.backends });

test('renders a dispatch map, one numgen chain per LB port, a dnat chain per node, and no masquerade', () => {
  const text = render(diffLbRuleset(undefined, renderLbRuleset([all(lb({ sourceRanges: ['192.168.100.2/32', '10.0.0.0/8', '10.1.0.0/16'] }))])));
  assert.match(text, /add chain ip svcnet-lb prerouting \{ type nat hook prerouting priority -100 ; policy accept ; \}/);
  assert.match(text, /prerouting ip daddr \. meta l4proto \. th dport vmap @lb-ips/);
  assert.match(text, /10\.78\.42\.10 \. tcp \. 80 : goto lb-\w+-10\.78\.42\.10\/tcp\/80/);
  assert.match(text, /numgen random mod 2 vmap \{ 0 : goto node-\w+-tcp\/10\.240\.1\.2\/30080, 1 : goto node-\w+-tcp\/10\.240\.2\.2\/30080 \}/);
  assert.match(text, /meta l4proto udp dnat to 10\.240\.2\.2:30053/);
  // source ranges first, overlapping ones merged (an anonymous set refuses overlaps)
  assert.match(text, /10\.78\.42\.10\/tcp\/80 ip saddr != \{ 10\.0\.0\.0\/8, 192\.168\.100\.2 \} drop\n.*numgen/);
  assert.doesNotMatch(text, /masquerade|snat/);
});

test('no healthy node: the port stays in the map but has no dnat (the LB stack refuses it)', () => {
  const text = render(diffLbRuleset(undefined, renderLbRuleset([{ lb: lb(), nodesFor: () => [] }])));
  assert.match(text, /lb-ips \{ .*10\.78\.42\.10 \. tcp \. 80/);
  assert.doesNotMatch(text, /numgen|dnat/);
});

test('changes are minimal transactions that converge on the fake kernel; no change = empty', async () => {
  const nft = new FakeNftables();
  const a = renderLbRuleset([all(lb())]);
  await nft.apply(diffLbRuleset(undefined, a));
  assert.ok(diffLbRuleset(a, renderLbRuleset([all(lb())])).isEmpty());
  // node2 fails its check: two LB chains rewritten, node2's two chains removed, nothing else
  const b = renderLbRuleset([{ lb: lb(), nodesFor: () => lb().backends.slice(0, 1) }]);
  const tx = diffLbRuleset(a, b);
  assert.deepEqual(tx.operations.map((o) => `${o.verb} ${o.kind}`), ['flush chain', 'add rule', 'flush chain', 'add rule', 'flush chain', 'flush chain', 'delete chain', 'delete chain']);
  await nft.apply(tx);
  let st = (await nft.read('ip', LB_TABLE))!;
  assert.deepEqual(Object.keys(st.chains).filter((c) => c.startsWith('node-')).sort().map((c) => c.replace(/^node-\w+-/, '')), ['tcp/10.240.1.2/30080', 'udp/10.240.1.2/30053']);
  // a port moves and a second LB appears; then everything goes
  const c = renderLbRuleset([all(lb({ ports: [{ protocol: 'TCP', port: 8081, nodePort: 30083 }] })), all(lb({ service: 'default/x', ip: '10.78.42.11' }))]);
  await nft.apply(diffLbRuleset(b, c));
  st = (await nft.read('ip', LB_TABLE))!;
  assert.deepEqual(st.sets['lb-ips'].elements.map((e) => e.key).sort(), ['10.78.42.10 . tcp . 8081', '10.78.42.11 . tcp . 80', '10.78.42.11 . udp . 53']);
  await nft.apply(diffLbRuleset(c, renderLbRuleset([])));
  st = (await nft.read('ip', LB_TABLE))!;
  assert.deepEqual(Object.keys(st.chains), ['prerouting']);
  assert.deepEqual(st.sets['lb-ips'].elements, []);
});

test('disjointRanges drops ranges inside others and canonicalises', () => {
  assert.deepEqual(disjointRanges(['10.1.2.3/16', '10.0.0.0/8', '192.168.1.7/32', '192.168.1.0/24']), ['10.0.0.0/8', '192.168.1.0/24']);
});
