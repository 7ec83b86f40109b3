import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IPRangeAllocator } from './ip-range-allocator';
import { AllocationError } from './allocation-error';

test('200 allocateNext calls give 200 distinct in-range IPs', () => {
  const a = new IPRangeAllocator();
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(a.allocateNext());
  assert.equal(seen.size, 200);
  assert.equal(a.used(), 200);
  for (const ip of seen) assert.match(ip, /^10\.(9[6-9]|10\d|11[01])\./);
});

test('allocate errors use Kubernetes wording', () => {
  const a = new IPRangeAllocator('10.96.0.0/12');
  a.allocate('10.96.0.1');
  const cases: [string, string][] = [
    ['10.96.0.1', 'provided IP is already allocated'],
    ['10.0.0.5', 'the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12'],
    ['10.96.0.0', 'the provided IP (10.96.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/12'],
    ['10.111.255.255', 'the provided IP (10.111.255.255) is not in the valid range. The range of valid IPs is 10.96.0.0/12'],
  ];
  for (const [ip, message] of cases) {
    assert.throws(() => a.allocate(ip), (e: unknown) => e instanceof AllocationError && e.message === message, ip);
  }
});

test('exhaustion excludes network and broadcast, then reports range is full', () => {
  const a = new IPRangeAllocator('192.168.0.0/29');
  const got = new Set<string>();
  for (let i = 0; i < 6; i++) got.add(a.allocateNext());
  assert.deepEqual([...got].sort(), ['192.168.0.1', '192.168.0.2', '192.168.0.3', '192.168.0.4', '192.168.0.5', '192.168.0.6']);
  assert.equal(a.free(), 0);
  assert.throws(() => a.allocateNext(), { message: 'range is full', failure: 'Full' } as object);
});

test('release then reuse, and restore into a fresh allocator', () => {
  const a = new IPRangeAllocator('10.0.0.0/30');
  const x = a.allocateNext();
  const y = a.allocateNext();
  a.release(x);
  assert.ok(!a.has(x));
  assert.equal(a.allocateNext(), x);
  const restored = new IPRangeAllocator('10.0.0.0/30');
  for (const ip of a.allocated()) restored.allocate(ip);
  assert.ok(restored.has(x) && restored.has(y));
  assert.throws(() => restored.allocateNext(), /range is full/);
});

test('30k allocations stay fast', () => {
  const a = new IPRangeAllocator();
  const started = Date.now();
  for (let i = 0; i < 30000; i++) a.allocateNext();
  assert.equal(a.used(), 30000);
  assert.ok(Date.now() - started < 2000);
});
