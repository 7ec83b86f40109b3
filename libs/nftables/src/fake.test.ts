import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeNftables } from './fake';
import { Transaction } from './transaction';
import { rule } from './rule-text';
import { element } from './element';
import { concat, gotoChain, ipv4, port, proto, ref } from './values';

const key = concat(ipv4('10.96.0.1'), proto('tcp'), port(80));

function base(): Transaction {
  return new Transaction('ip', 't')
    .addTable()
    .addChain({ name: 'a' })
    .addChain({ name: 'b' })
    .addSet({ name: 'm', kind: 'map', type: 'ipv4_addr . inet_proto . inet_service', valueType: 'verdict' })
    .addElements('m', [element(key, gotoChain('b'))])
    .addRule('a', rule`goto ${ref('b')}`, 'r1');
}

test('fake applies a transaction and reads it back', async () => {
  const nft = new FakeNftables();
  await nft.apply(base());
  const t = await nft.read('ip', 't');
  assert.ok(t);
  assert.deepEqual(Object.keys(t.chains).sort(), ['a', 'b']);
  assert.deepEqual(t.chains.a.rules.map((r) => r.comment), ['r1']);
  assert.deepEqual(t.sets.m.elements, [{ key: '10.96.0.1 . tcp . 80', value: 'goto b' }]);
  assert.equal(await nft.read('ip', 'other'), undefined);
});

test('fake is all-or-nothing and enforces kernel rules', async () => {
  const nft = new FakeNftables();
  await nft.apply(base());
  // Referenced / non-empty chain cannot be deleted.
  await assert.rejects(nft.apply(new Transaction('ip', 't').deleteChain('b')), /busy/);
  // Changing a map value needs delete + add.
  await assert.rejects(nft.apply(new Transaction('ip', 't').addElements('m', [element(key, gotoChain('a'))])), /File exists/);
  await nft.apply(new Transaction('ip', 't').deleteElements('m', [element(key)]).addElements('m', [element(key, gotoChain('a'))]));
  // A failing op rolls back the ops before it.
  await assert.rejects(nft.apply(new Transaction('ip', 't').flushChain('a').deleteChain('missing')), /No such file/);
  const t = await nft.read('ip', 't');
  assert.equal(t!.chains.a.rules.length, 1);
  assert.deepEqual(t!.sets.m.elements, [{ key: '10.96.0.1 . tcp . 80', value: 'goto a' }]);
  await assert.rejects(nft.apply(new Transaction('ip', 't').addRule('a', rule`jump ${ref('nope')}`)), /chain nope/);
});
