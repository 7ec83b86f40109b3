import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultNetnsPrefix, hostVethName, podNetnsName, shortId } from './pod-names';

test('names derive from the uid and fit the kernel limits', () => {
  const uid = '6f1c2a9e-1d2b-4c3d-9e8f-0a1b2c3d4e5f';
  assert.equal(shortId(uid), '6f1c2a9e1d2b');
  assert.equal(podNetnsName('svcnet-node-1-', uid), 'svcnet-node-1-6f1c2a9e1d2b');
  assert.ok(hostVethName(uid).length <= 15);
  assert.equal(hostVethName(uid), hostVethName(uid));
  assert.notEqual(hostVethName(uid), hostVethName('other'));
  assert.equal(shortId('not-a-uuid').length, 12);
  assert.equal(defaultNetnsPrefix('node-1'), 'svcnet-node-1-');
  assert.ok(defaultNetnsPrefix('a-very-long-node-name-indeed.example.com').length <= 28);
});
