import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodCIDRAllocator } from './pod-cidr-allocator';

test('hands out /24s in order and all 256 are distinct', () => {
  const a = new PodCIDRAllocator();
  assert.equal(a.allocateNext(), '10.244.0.0/24');
  assert.equal(a.allocateNext(), '10.244.1.0/24');
  const seen = new Set<string>();
  for (let i = 0; i < 254; i++) seen.add(a.allocateNext());
  assert.equal(seen.size, 254);
  assert.throws(() => a.allocateNext(), /range is full/);
});

test('restore, reject bad subnets, release and reuse', () => {
  const a = new PodCIDRAllocator('10.244.0.0/16', 24);
  a.allocate('10.244.5.0/24');
  assert.ok(a.has('10.244.5.0/24'));
  assert.throws(() => a.allocate('10.244.5.0/24'), /already allocated/);
  for (const bad of ['10.245.0.0/24', '10.244.5.0/25', '10.244.5.1/24']) assert.throws(() => a.allocate(bad), /not a \/24/, bad);
  a.release('10.244.5.0/24');
  assert.equal(a.used(), 0);
  const small = new PodCIDRAllocator('10.0.0.0/23', 24);
  assert.equal(small.allocateNext(), '10.0.0.0/24');
  small.release('10.0.0.0/24');
  assert.equal(small.allocateNext(), '10.0.1.0/24');
  assert.equal(small.allocateNext(), '10.0.0.0/24');
});
