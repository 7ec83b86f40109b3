import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINEAR_PICK_MAX, renderRuleset } from './render-ruleset';
import { staleUdpEndpoints, conntrackDeleteArgs } from './stale-udp';
import { ep, slice, svc } from './testing';
import type { Endpoint, ServiceSpec } from '@svcnet/api-types';
import type { Ruleset } from './ruleset';

function one(spec: Partial<ServiceSpec>, endpoints: Endpoint[], protocol: 'TCP' | 'UDP' | 'SCTP' = 'TCP'): Ruleset {
  return renderRuleset({
    nodeName: 'n1',
    nodeIPs: ['192.168.200.1'],
    clusterCIDRs: ['10.244.0.0/16'],
    services: [svc('ns', 's', { clusterIP: '10.96.1.1', ports: [{ name: 'p', port: 80, protocol, nodePort: 30080 }], ...spec })],
    endpointSlices: [slice('ns', 's', 's-1', [{ name: 'p', port: 8080, protocol }], endpoints)],
  });
}

const chainsOf = (r: Ruleset, prefix: string) => r.chains.filter((c) => c.name.startsWith(`${prefix}-`) && /-[A-Z2-7]{8}-/.test(c.name));
const elems = (r: Ruleset, set: string) => r.sets.find((s) => s.name === set)!.elements.map((e) => `${e.key} : ${e.value}`);
const rulesOf = (r: Ruleset, prefix: string) => chainsOf(r, prefix).flatMap((c) => c.rules.map((x) => x.text));

test('ready endpoints only; serving+terminating only when none is ready', () => {
  const r1 = one({}, [ep('10.244.1.2'), ep('10.244.1.3', { ready: false, serving: true, terminating: true })]);
  assert.deepEqual(chainsOf(r1, 'endpoint').map((c) => c.name.split('/').pop()), ['_10.244.1.2_8080']);
  const r2 = one({}, [ep('10.244.1.3', { ready: false, serving: true, terminating: true }), ep('10.244.1.4', { ready: false, serving: false, terminating: true })]);
  assert.deepEqual(chainsOf(r2, 'endpoint').map((c) => c.name.split('/').pop()), ['_10.244.1.3_8080']);
});

test('no endpoints: reject via no-endpoint maps, nothing in service maps', () => {
  const r = one({ type: 'NodePort', externalIPs: ['192.168.200.9'] }, [ep('10.244.1.3', { ready: false })]);
  assert.deepEqual(elems(r, 'no-endpoint-services').sort(), ['10.96.1.1 . tcp . 80 : goto reject-chain', '192.168.200.9 . tcp . 80 : goto reject-chain']);
  assert.deepEqual(elems(r, 'no-endpoint-nodeports'), ['tcp . 30080 : goto reject-chain']);
  assert.deepEqual(elems(r, 'service-ips'), []);
  assert.equal(chainsOf(r, 'service').length, 0);
});

test('internalTrafficPolicy Local: only local endpoints; drop when none is local', () => {
  const r = one({ internalTrafficPolicy: 'Local' }, [ep('10.244.1.2', { node: 'n1' }), ep('10.244.2.2', { node: 'n2' })]);
  assert.match(rulesOf(r, 'service').join('\n'), /^goto endpoint-\S+_10.244.1.2_8080$/m);
  const none = one({ internalTrafficPolicy: 'Local' }, [ep('10.244.2.2', { node: 'n2' })]);
  assert.deepEqual(elems(none, 'no-endpoint-services'), ['10.96.1.1 . tcp . 80 : drop']);
});

test('externalTrafficPolicy: Cluster masquerades, Local keeps the source and uses local endpoints', () => {
  const cluster = one({ type: 'NodePort' }, [ep('10.244.1.2', { node: 'n1' }), ep('10.244.2.2', { node: 'n2' })]);
  assert.deepEqual(elems(cluster, 'service-nodeports').length, 1);
  assert.match(rulesOf(cluster, 'external')[0], /^jump mark-for-masquerade$/);
  const local = one({ type: 'NodePort', externalTrafficPolicy: 'Local' }, [ep('10.244.1.2', { node: 'n1' }), ep('10.244.2.2', { node: 'n2' })]);
  const ext = rulesOf(local, 'external');
  assert.equal(ext.length, 4);
  assert.match(ext[3], /^goto local-/);
  assert.deepEqual(rulesOf(local, 'local').filter((t) => !t.startsWith('goto endpoint-') || !t.endsWith('_10.244.1.2_8080')), []);
  const noneLocal = one({ type: 'NodePort', externalTrafficPolicy: 'Local' }, [ep('10.244.2.2', { node: 'n2' })]);
  assert.equal(rulesOf(noneLocal, 'external')[3], 'drop');
});

test('ClientIP affinity: a timed set per endpoint, checked before the random pick', () => {
  const r = one({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } } }, [ep('10.244.1.2'), ep('10.244.1.3')]);
  const sets = r.sets.filter((s) => s.name.startsWith('affinity-'));
  assert.equal(sets.length, 2);
  assert.ok(sets.every((s) => s.typeOf === 'ip saddr' && s.timeoutSeconds === 300 && s.flags?.join() === 'dynamic,timeout'));
  const svcRules = rulesOf(r, 'service');
  assert.match(svcRules[1], /^ip saddr @affinity-\S+ goto endpoint-/);
  assert.match(svcRules[3], /^numgen random mod 2 0 goto endpoint-/);
  assert.match(svcRules[4], /^goto endpoint-/);
  assert.ok(rulesOf(r, 'endpoint').some((t) => /^update @affinity-\S+ \{ ip saddr \}$/.test(t)));
});

test('UDP, SCTP and multi-port services; LB ingress IPs dispatch to the external chain', () => {
  assert.match(rulesOf(one({}, [ep('10.244.1.2')], 'SCTP'), 'endpoint').join('\n'), /meta l4proto sctp dnat to 10.244.1.2:8080/);
  const r = renderRuleset({
    nodeName: 'n1', nodeIPs: [], clusterCIDRs: ['10.244.0.0/16'],
    services: [svc('ns', 'm', { type: 'LoadBalancer', clusterIP: '10.96.1.2', ports: [{ name: 'a', port: 53, protocol: 'UDP', nodePort: 30053 }, { name: 'b', port: 53, protocol: 'TCP', nodePort: 30054 }] }, { loadBalancer: { ingress: [{ ip: '192.168.200.100' }] } })],
    endpointSlices: [slice('ns', 'm', 'm-1', [{ name: 'a', port: 5353, protocol: 'UDP' }, { name: 'b', port: 5354, protocol: 'TCP' }], [ep('10.244.1.2')])],
  });
  const ips = elems(r, 'service-ips');
  assert.equal(ips.length, 4);
  assert.ok(ips.some((e) => /^192.168.200.100 . udp . 53 : goto external-/.test(e)));
  assert.deepEqual(elems(r, 'service-nodeports').map((e) => e.split(' : ')[0]).sort(), ['tcp . 30054', 'udp . 30053']);
  assert.deepEqual(r.udpEndpoints, [{ servicePortName: 'ns/m:a', frontendIPs: ['10.96.1.2', '192.168.200.100'], port: 53, nodePort: 30053, endpointIP: '10.244.1.2', endpointPort: 5353 }]);
});

test('stale UDP endpoints and the conntrack calls that clear them', () => {
  const before = one({}, [ep('10.244.1.2'), ep('10.244.1.3')], 'UDP');
  const after = one({}, [ep('10.244.1.3'), ep('10.244.1.4')], 'UDP');
  const stale = staleUdpEndpoints(before, after);
  assert.deepEqual(stale.map((u) => u.endpointIP), ['10.244.1.2']);
  assert.deepEqual(conntrackDeleteArgs(stale), [['-D', '-p', 'udp', '--orig-dst', '10.96.1.1', '--dst-nat', '10.244.1.2']]);
  assert.deepEqual(staleUdpEndpoints(undefined, after), []);
});

test('invalid input never reaches nft: bad IPs are ignored, hostile names are hashed', () => {
  const r = renderRuleset({
    nodeName: 'n1', nodeIPs: [], clusterCIDRs: [],
    services: [svc('ns', 'x"; flush ruleset', { clusterIP: '10.96.1.3', externalIPs: ['1.2.3.4; drop', '300.1.1.1'], ports: [{ name: 'p q', port: 80 }] })],
    endpointSlices: [slice('ns', 'x"; flush ruleset', 'sl', [{ name: 'p q', port: 80 }], [ep('10.244.1.2'), ep('not-an-ip')])],
  });
  assert.equal(elems(r, 'service-ips').length, 1);
  assert.equal(chainsOf(r, 'endpoint').length, 1);
  assert.ok(r.chains.every((c) => /^[A-Za-z][A-Za-z0-9/_.-]*$/.test(c.name)));
});

test('loadBalancerSourceRanges: a firewall chain for the LB ingress IPs only', () => {
  const r = renderRuleset({
    nodeName: 'n1', nodeIPs: [], clusterCIDRs: ['10.244.0.0/16'],
    services: [
      svc('ns', 's', { type: 'LoadBalancer', clusterIP: '10.96.1.1', loadBalancerSourceRanges: ['192.168.0.0/16', ' 10.1.2.3/32', 'bogus'], ports: [{ name: 'p', port: 80, nodePort: 30080 }] }, { loadBalancer: { ingress: [{ ip: '172.18.0.10' }] } }),
      svc('ns', 'open', { type: 'LoadBalancer', clusterIP: '10.96.1.2', ports: [{ name: 'p', port: 80, nodePort: 30081 }] }, { loadBalancer: { ingress: [{ ip: '172.18.0.11' }] } }),
    ],
    endpointSlices: [slice('ns', 's', 's-1', [{ name: 'p', port: 8080 }], [ep('10.244.1.2')])],
  });
  assert.deepEqual(rulesOf(r, 'firewall'), ['ip saddr != { 192.168.0.0/16, 10.1.2.3 } drop']);
  const fw = chainsOf(r, 'firewall')[0].name;
  assert.deepEqual(elems(r, 'firewall-ips'), [`172.18.0.10 . tcp . 80 : goto ${fw}`]);
});

test('random pick: numgen rules taking endpoint i with probability 1/(N-i) up to LINEAR_PICK_MAX endpoints, a verdict map beyond', () => {
  const ips = (n: number) => Array.from({ length: n }, (_, i) => ep(`10.244.1.${i + 2}`));
  const three = rulesOf(one({}, ips(3)), 'service').slice(1);
  assert.equal(three.length, 3);
  assert.match(three[0], /^numgen random mod 3 0 goto endpoint-\S+_10.244.1.2_8080$/);
  assert.match(three[1], /^numgen random mod 2 0 goto endpoint-\S+_10.244.1.3_8080$/);
  assert.match(three[2], /^goto endpoint-\S+_10.244.1.4_8080$/);
  const atMax = rulesOf(one({}, ips(LINEAR_PICK_MAX)), 'service').slice(1);
  assert.equal(atMax.length, LINEAR_PICK_MAX);
  assert.ok(atMax.every((t) => !t.includes('vmap')));
  const many = rulesOf(one({}, ips(LINEAR_PICK_MAX + 1)), 'service').slice(1);
  assert.equal(many.length, 1);
  assert.match(many[0], new RegExp(`^numgen random mod ${LINEAR_PICK_MAX + 1} vmap \\{ 0 : goto endpoint-`));
  // probability of endpoint i: prod_{k<i} (1 - 1/(N-k)) * 1/(N-i) = 1/N
  const n = 7;
  for (let i = 0; i < n; i++) {
    let p = 1;
    for (let k = 0; k < i; k++) p *= 1 - 1 / (n - k);
    p *= 1 / (n - i);
    assert.ok(Math.abs(p - 1 / n) < 1e-12);
  }
});
