import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackendPicker, type Candidate } from './backend-picker';
import { sourceFilter } from './source-ranges';

const c = (id: string, healthy: boolean | undefined, active = 0): Candidate => ({ id, healthy, active });

test('round robin over healthy nodes only', () => {
  const p = new BackendPicker('round-robin');
  const cands = [c('a', true), c('b', false), c('c', true)];
  const picks = Array.from({ length: 6 }, () => p.pick(cands)!.id);
  assert.deepEqual(picks.sort(), ['a', 'a', 'a', 'c', 'c', 'c']);
});

test('unchecked nodes only when none is known healthy; failing never', () => {
  const p = new BackendPicker();
  assert.equal(p.pick([c('a', undefined), c('b', true)])!.id, 'b');
  assert.equal(p.pick([c('a', undefined), c('b', false)])!.id, 'a');
  assert.equal(p.pick([c('a', false), c('b', false)]), undefined);
  assert.equal(p.pick([]), undefined);
});

test('exclude skips nodes already tried for this connection', () => {
  const p = new BackendPicker();
  const cands = [c('a', true), c('b', true)];
  assert.equal(p.pick(cands, new Set(['a']))!.id, 'b');
  assert.equal(p.pick(cands, new Set(['a', 'b'])), undefined);
});

test('least connections prefers the idlest node', () => {
  const p = new BackendPicker('least-connections');
  const cands = [c('a', true, 5), c('b', true, 1), c('c', true, 3)];
  for (let i = 0; i < 4; i++) assert.equal(p.pick(cands)!.id, 'b');
  const tie = [c('a', true, 1), c('b', true, 1)];
  assert.deepEqual(new Set([p.pick(tie)!.id, p.pick(tie)!.id]), new Set(['a', 'b']));
});

test('source ranges: empty allows all; CIDRs match IPv4 and v4-mapped addresses', () => {
  assert.ok(sourceFilter([])('203.0.113.9'));
  const f = sourceFilter(['192.168.100.2/32', '10.0.0.0/8']);
  assert.ok(f('192.168.100.2'));
  assert.ok(f('::ffff:10.1.2.3'));
  assert.ok(!f('192.168.100.3'));
  assert.ok(!f('garbage'));
});
