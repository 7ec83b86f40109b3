import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from './transaction';
import { render } from './render';
import { rule, mapEntry } from './rule-text';
import { element } from './element';
import { concat, cidr, gotoChain, ipv4, num, port, proto, ref, setRef } from './values';
import { PRIORITY } from './model';

test('renders a transaction as one nft command per line (golden)', () => {
  const tx = new Transaction('ip', 'svcnet')
    .addTable()
    .addChain({ name: 'nat-prerouting', base: { type: 'nat', hook: 'prerouting', priority: PRIORITY.dstnat, policy: 'accept' } })
    .addChain({ name: 'ep-1' })
    .addSet({ name: 'service-ips', kind: 'map', type: 'ipv4_addr . inet_proto . inet_service', valueType: 'verdict' })
    .addSet({ name: 'cluster-cidrs', kind: 'set', type: 'ipv4_addr', flags: ['interval'] })
    .addSet({ name: 'aff', kind: 'set', typeOf: 'ip saddr', flags: ['dynamic', 'timeout'], timeoutSeconds: 10800 })
    .addElements('service-ips', [element(concat(ipv4('10.96.0.10'), proto('TCP'), port(80)), gotoChain('ep-1'))])
    .addElements('cluster-cidrs', [element(cidr('10.244.3.7/16'))])
    .flushChain('ep-1')
    .addRule('ep-1', rule`update ${setRef('aff')} { ip saddr }`)
    .addRule('ep-1', rule`meta l4proto ${proto('tcp')} dnat to ${ipv4('10.244.1.2')}:${port(8080)}`, 'abc')
    .addRule('nat-prerouting', rule`numgen random mod ${num(1)} vmap { ${[mapEntry(num(0), gotoChain('ep-1'))]} }`)
    .addRule('nat-prerouting', rule`jump ${ref('ep-1')}`)
    .deleteElements('service-ips', [{ key: '10.96.0.11 . udp . 53', value: 'goto x' }])
    .deleteChain('old')
    .deleteSet('old-set');
  assert.equal(
    render(tx),
    [
      'add table ip svcnet',
      'add chain ip svcnet nat-prerouting { type nat hook prerouting priority -100 ; policy accept ; }',
      'add chain ip svcnet ep-1',
      'add map ip svcnet service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }',
      'add set ip svcnet cluster-cidrs { type ipv4_addr ; flags interval ; }',
      'add set ip svcnet aff { typeof ip saddr ; flags dynamic,timeout ; timeout 10800s ; }',
      'add element ip svcnet service-ips { 10.96.0.10 . tcp . 80 : goto ep-1 }',
      'add element ip svcnet cluster-cidrs { 10.244.0.0/16 }',
      'flush chain ip svcnet ep-1',
      'add rule ip svcnet ep-1 update @aff { ip saddr }',
      'add rule ip svcnet ep-1 meta l4proto tcp dnat to 10.244.1.2:8080 comment "abc"',
      'add rule ip svcnet nat-prerouting numgen random mod 1 vmap { 0 : goto ep-1 }',
      'add rule ip svcnet nat-prerouting jump ep-1',
      'delete element ip svcnet service-ips { 10.96.0.11 . udp . 53 }',
      'delete chain ip svcnet old',
      'delete set ip svcnet old-set',
      '',
    ].join('\n'),
  );
});

test('user-controlled values are validated, never spliced raw', () => {
  assert.throws(() => ipv4('10.0.0.1; flush ruleset'));
  assert.throws(() => ipv4('256.1.1.1'));
  assert.throws(() => port(0));
  assert.throws(() => port(65536));
  assert.throws(() => port(1.5));
  assert.throws(() => proto('icmp'));
  assert.throws(() => ref('a b'));
  assert.throws(() => ref('x\nflush ruleset'));
  assert.throws(() => cidr('10.0.0.0/33'));
  // Plain strings cannot be interpolated into rules.
  assert.throws(() => rule`ip daddr ${'10.0.0.1' as never} accept`);
  const tx = new Transaction('ip', 'svcnet');
  assert.throws(() => tx.addRule('c', 'accept' as never, 'bad"comment'));
  assert.throws(() => tx.addRule('c', 'accept ; flush ruleset' as never));
  assert.throws(() => tx.addElements('s', [{ key: '1.2.3.4 }; flush ruleset {' }]));
  assert.throws(() => new Transaction('ip', 'bad table'));
});
