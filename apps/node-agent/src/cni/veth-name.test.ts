import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostVethName } from './veth-name';

test('host veth: svp + 11 hex, stable per container ID, distinct across IDs', () => {
  const id = 'a'.repeat(64);
  const n = hostVethName(id);
  assert.match(n, /^svp[0-9a-f]{11}$/);
  assert.ok(n.length <= 15);
  assert.equal(hostVethName(id), n);
  assert.notEqual(hostVethName('b'.repeat(64)), n);
});
