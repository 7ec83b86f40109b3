import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeNftables } from '@svcnet/nftables/testing';
import { syncRules } from './sync';
import { ep, slice, svc } from './testing';
import type { ProxyState } from './proxy-state';

test('syncRules applies, is idempotent, and reports removed UDP endpoints', async () => {
  const nft = new FakeNftables();
  const state = (ips: string[]): ProxyState => ({
    nodeName: 'n1', nodeIPs: [], clusterCIDRs: ['10.244.0.0/16'],
    services: [svc('ns', 'dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })],
    endpointSlices: [slice('ns', 'dns', 'dns-1', [{ name: 'dns', port: 53, protocol: 'UDP' }], ips.map((ip) => ep(ip)))],
  });
  const first = await syncRules(nft, state(['10.244.1.2', '10.244.1.3']));
  assert.ok(first.transaction.size > 0);
  const same = await syncRules(nft, state(['10.244.1.2', '10.244.1.3']), first.ruleset);
  assert.equal(same.transaction.size, 0);
  const next = await syncRules(nft, state(['10.244.1.3']), same.ruleset);
  assert.deepEqual(next.staleUdp.map((u) => u.endpointIP), ['10.244.1.2']);
  assert.equal(nft.applied.length, 3);
});
