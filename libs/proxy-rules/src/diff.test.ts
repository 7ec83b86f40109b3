import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render, type TableState } from '@svcnet/nftables';
import { FakeNftables } from '@svcnet/nftables/testing';
import { renderRuleset } from './render-ruleset';
import { diff } from './diff';
import { ep, sampleState, slice, svc } from './testing';
import type { ProxyState } from './proxy-state';

async function sync(nft: FakeNftables, state: ProxyState) {
  const desired = renderRuleset(state);
  const tx = diff(await nft.read('ip', 'svcnet'), desired);
  await nft.apply(tx);
  return tx;
}

// What matters about a table for equality: chain names, rule ids, set elements.
function shape(t: TableState | undefined) {
  assert.ok(t);
  const chains = Object.fromEntries(Object.values(t.chains).map((c) => [c.name, c.rules.map((r) => r.comment)]));
  const sets = Object.fromEntries(Object.values(t.sets).map((s) => [s.name, s.elements.map((e) => `${e.key}=${e.value ?? ''}`).sort()]));
  return { chains, sets };
}

test('a second sync with no change is an empty transaction', async () => {
  const nft = new FakeNftables();
  await sync(nft, sampleState());
  const tx = await sync(nft, sampleState());
  assert.equal(tx.size, 0, render(tx));
});

test('one new endpoint gives a small transaction touching only that service', async () => {
  const nft = new FakeNftables();
  await sync(nft, sampleState());
  const next = sampleState();
  next.endpointSlices[1].endpoints.push(ep('10.244.2.4', { node: 'node-b' }));
  const tx = await sync(nft, next);
  const text = render(tx);
  assert.equal(
    text,
    [
      'add chain ip svcnet endpoint-CA56ZJZ3-default/web/tcp/http/_10.244.2.4_9090',
      'flush chain ip svcnet service-SEDKYK2Y-default/web/tcp/http',
      'add rule ip svcnet endpoint-CA56ZJZ3-default/web/tcp/http/_10.244.2.4_9090 ip saddr 10.244.2.4 jump mark-for-masquerade comment "id:ZWVBMUKD"',
      'add rule ip svcnet endpoint-CA56ZJZ3-default/web/tcp/http/_10.244.2.4_9090 meta l4proto tcp dnat to 10.244.2.4:9090 comment "id:7YEFJH75"',
      'add rule ip svcnet service-SEDKYK2Y-default/web/tcp/http ip daddr 10.96.0.10 ip saddr != @cluster-cidrs jump mark-for-masquerade comment "id:5E4J5VET"',
      'add rule ip svcnet service-SEDKYK2Y-default/web/tcp/http numgen random mod 3 0 goto endpoint-YK7KO2EC-default/web/tcp/http/_10.244.1.2_8080 comment "id:WTHF7V5A"',
      'add rule ip svcnet service-SEDKYK2Y-default/web/tcp/http numgen random mod 2 0 goto endpoint-AZV3MEXM-default/web/tcp/http/_10.244.2.3_9090 comment "id:7GOK5WNP"',
      'add rule ip svcnet service-SEDKYK2Y-default/web/tcp/http goto endpoint-CA56ZJZ3-default/web/tcp/http/_10.244.2.4_9090 comment "id:XXXF43PF"',
      '',
    ].join('\n'),
  );
  assert.equal((await sync(nft, next)).size, 0);
});

test('incremental syncs converge to the same table as a fresh one', async () => {
  const steps: ((s: ProxyState) => void)[] = [
    // remove an endpoint
    (s) => s.endpointSlices[1].endpoints.splice(0, 1),
    // delete a service (and its slices)
    (s) => { s.services = s.services.filter((x) => x.metadata.name !== 'dns'); },
    // endpoints appear for a service that had none (reject element goes, service element comes)
    (s) => s.endpointSlices[4].endpoints.push(ep('10.244.1.30')),
    // affinity timeout changes (new set, old set removed)
    (s) => { s.services[1].spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 30 } }; },
    // cluster CIDR changes
    (s) => { s.clusterCIDRs = ['10.245.0.0/16']; },
  ];
  const nft = new FakeNftables();
  await sync(nft, sampleState());
  const state = sampleState();
  for (const step of steps) {
    step(state);
    await sync(nft, state);
    const fresh = new FakeNftables();
    await sync(fresh, state);
    assert.deepEqual(shape(await nft.read('ip', 'svcnet')), shape(await fresh.read('ip', 'svcnet')));
  }
  // Emptying everything leaves only the fixed chains and sets.
  await sync(nft, { ...state, services: [], endpointSlices: [] });
  const t = await nft.read('ip', 'svcnet');
  assert.ok(Object.keys(t!.chains).every((n) => !/^(service|endpoint|external|local|cluster)-[A-Z2-7]{8}-/.test(n)));
  assert.deepEqual(t!.sets['service-ips'].elements, []);
});

test('rules foreign to us in our chains are replaced', async () => {
  const nft = new FakeNftables();
  const desired = renderRuleset(sampleState());
  await nft.apply(diff(undefined, desired));
  const t = await nft.read('ip', 'svcnet');
  t!.chains['nat-prerouting'].rules[0].comment = undefined;
  const tx = diff(t, desired);
  assert.match(render(tx), /^flush chain ip svcnet nat-prerouting\nadd rule ip svcnet nat-prerouting jump services/);
});

test('a changed base chain is recreated within the transaction', () => {
  const desired = renderRuleset({ ...sampleState(), services: [], endpointSlices: [] });
  const current: TableState = { family: 'ip', name: 'svcnet', chains: {}, sets: {} };
  for (const c of desired.chains) current.chains[c.name] = { name: c.name, base: c.base, rules: c.rules.map((r, i) => ({ handle: i, comment: r.comment })) };
  for (const s of desired.sets) current.sets[s.name] = { name: s.name, kind: s.kind, flags: [], elements: s.elements };
  current.chains['nat-output'].base = { type: 'nat', hook: 'output', priority: 0, policy: 'accept' };
  assert.equal(
    render(diff(current, desired)),
    [
      'flush chain ip svcnet nat-output',
      'delete chain ip svcnet nat-output',
      'add chain ip svcnet nat-output { type nat hook output priority -100 ; policy accept ; }',
      'add rule ip svcnet nat-output jump services comment "id:Q64FSXCY"',
      '',
    ].join('\n'),
  );
});

test('unused svc fixture helper stays typed', () => {
  assert.equal(svc('a', 'b', {}).metadata.name, 'b');
  assert.equal(slice('a', 'b', 'c', [], []).metadata.labels?.['kubernetes.io/service-name'], 'b');
});
