import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTableJson } from './reader';

// Trimmed from real `nft -j list table ip svcnet` output (nftables 1.0.6).
const JSON_TEXT = JSON.stringify({
  nftables: [
    { metainfo: { version: '1.0.6', json_schema_version: 1 } },
    { table: { family: 'ip', name: 'svcnet', handle: 1 } },
    { map: { family: 'ip', name: 'service-ips', table: 'svcnet', type: ['ipv4_addr', 'inet_proto', 'inet_service'], handle: 4, map: 'verdict',
      elem: [[{ concat: ['10.96.0.10', 'tcp', 80] }, { goto: { target: 'svc-A' } }]] } },
    { set: { family: 'ip', name: 'aff', table: 'svcnet', type: 'ipv4_addr', handle: 6, size: 65535, flags: ['timeout'], timeout: 10800,
      elem: [{ elem: { val: '10.244.1.9', timeout: 10800, expires: 10750 } }] } },
    { set: { family: 'ip', name: 'cidrs', table: 'svcnet', type: 'ipv4_addr', handle: 7, flags: ['interval'], elem: [{ prefix: { addr: '10.244.0.0', len: 16 } }] } },
    { chain: { family: 'ip', table: 'svcnet', name: 'nat-prerouting', handle: 1, type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' } },
    { chain: { family: 'ip', table: 'svcnet', name: 'svc-A', handle: 2 } },
    { rule: { family: 'ip', table: 'svcnet', chain: 'nat-prerouting', handle: 8, comment: 'abc123', expr: [] } },
    { rule: { family: 'ip', table: 'svcnet', chain: 'svc-A', handle: 9, expr: [] } },
  ],
});

test('parses nft -j output into a typed snapshot', () => {
  const t = parseTableJson(JSON_TEXT, 'ip', 'svcnet');
  assert.deepEqual(t.chains['nat-prerouting'], {
    name: 'nat-prerouting',
    base: { type: 'nat', hook: 'prerouting', priority: -100, policy: 'accept' },
    rules: [{ handle: 8, comment: 'abc123' }],
  });
  assert.deepEqual(t.chains['svc-A'], { name: 'svc-A', rules: [{ handle: 9 }] });
  assert.deepEqual(t.sets['service-ips'].elements, [{ key: '10.96.0.10 . tcp . 80', value: 'goto svc-A' }]);
  assert.equal(t.sets['service-ips'].kind, 'map');
  assert.equal(t.sets['service-ips'].type, 'ipv4_addr . inet_proto . inet_service');
  assert.deepEqual(t.sets.aff.elements, [{ key: '10.244.1.9', timeoutSeconds: 10800 }]);
  assert.equal(t.sets.aff.timeoutSeconds, 10800);
  assert.deepEqual(t.sets.cidrs.elements, [{ key: '10.244.0.0/16' }]);
});
