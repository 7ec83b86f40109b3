// Root test: applies a transaction inside a fresh network namespace and reads it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { NftExecutor } from './executor';
import { NftError } from './nftables';
import { Transaction } from './transaction';
import { rule } from './rule-text';
import { element } from './element';
import { PRIORITY } from './model';
import { cidr, concat, gotoChain, ipv4, port, proto, ref, setRef } from './values';

test('applies atomically in a netns and reads back what it wrote', async (t) => {
  const ns = `svcnet-t-${randomBytes(4).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', ns]);
  t.after(() => execFileSync('ip', ['netns', 'del', ns]));
  const nft = new NftExecutor({ netns: ns });
  assert.equal(await nft.read('ip', 'svcnet'), undefined);

  const tx = new Transaction('ip', 'svcnet')
    .addTable()
    .addChain({ name: 'nat-prerouting', base: { type: 'nat', hook: 'prerouting', priority: PRIORITY.dstnat, policy: 'accept' } })
    .addChain({ name: 'svc-a/b' })
    .addSet({ name: 'service-ips', kind: 'map', type: 'ipv4_addr . inet_proto . inet_service', valueType: 'verdict' })
    .addSet({ name: 'cidrs', kind: 'set', type: 'ipv4_addr', flags: ['interval'] })
    .addSet({ name: 'aff', kind: 'set', typeOf: 'ip saddr', flags: ['dynamic', 'timeout'], timeoutSeconds: 600 })
    .addElements('service-ips', [element(concat(ipv4('10.96.0.10'), proto('udp'), port(53)), gotoChain('svc-a/b'))])
    .addElements('cidrs', [element(cidr('10.244.0.0/16'))])
    .addRule('nat-prerouting', rule`ip daddr . meta l4proto . th dport vmap ${setRef('service-ips')}`, 'dispatch')
    .addRule('svc-a/b', rule`update ${setRef('aff')} { ip saddr }`, 'aff')
    .addRule('svc-a/b', rule`ip saddr != ${setRef('cidrs')} meta l4proto ${proto('udp')} dnat to ${ipv4('10.244.1.2')}:${port(5353)}`, 'dnat');
  await nft.apply(tx);

  const state = await nft.read('ip', 'svcnet');
  assert.ok(state);
  assert.deepEqual(state.chains['nat-prerouting'].base, { type: 'nat', hook: 'prerouting', priority: -100, policy: 'accept' });
  assert.deepEqual(state.chains['svc-a/b'].rules.map((r) => r.comment), ['aff', 'dnat']);
  assert.deepEqual(state.sets['service-ips'].elements, [{ key: '10.96.0.10 . udp . 53', value: 'goto svc-a/b' }]);
  assert.deepEqual(state.sets.cidrs.elements, [{ key: '10.244.0.0/16' }]);
  assert.equal(state.sets.aff.timeoutSeconds, 600);

  // A failing transaction surfaces nft's message and changes nothing.
  const bad = new Transaction('ip', 'svcnet').flushChain('svc-a/b').addRule('svc-a/b', rule`jump ${ref('missing')}`);
  await assert.rejects(nft.apply(bad), (e: unknown) => e instanceof NftError && /missing|No such file/.test(e.message));
  const after = await nft.read('ip', 'svcnet');
  assert.equal(after!.chains['svc-a/b'].rules.length, 2);

  // Delete works for maps and sets alike, and for the table.
  await nft.apply(new Transaction('ip', 'svcnet').flushChain('nat-prerouting').flushChain('svc-a/b').deleteSet('service-ips').deleteSet('cidrs'));
  const gone = await nft.read('ip', 'svcnet');
  assert.deepEqual(Object.keys(gone!.sets), ['aff']);
  assert.equal(gone!.chains['svc-a/b'].rules.length, 0);
  await nft.apply(new Transaction('ip', 'svcnet').deleteTable());
  assert.equal(await nft.read('ip', 'svcnet'), undefined);
});
