import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortRangeAllocator } from './port-range-allocator';

test('200 node ports are distinct and in range', () => {
  const a = new PortRangeAllocator();
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add(a.allocateNext());
  assert.equal(seen.size, 200);
  for (const p of seen) assert.ok(p >= 30000 && p <= 32767);
});

test('allocate errors use Kubernetes wording', () => {
  const a = new PortRangeAllocator(30000, 32767);
  a.allocate(30080);
  const cases: [number, string][] = [
    [30080, 'provided port is already allocated'],
    [8888, 'provided port is not in the valid range. The range of valid ports is 30000-32767'],
    [32768, 'provided port is not in the valid range. The range of valid ports is 30000-32767'],
  ];
  for (const [port, message] of cases) assert.throws(() => a.allocate(port), { message } as object, String(port));
});

test('exhaustion, release, reuse and restore', () => {
  const a = new PortRangeAllocator(30000, 30002);
  const ports = [a.allocateNext(), a.allocateNext(), a.allocateNext()];
  assert.deepEqual([...ports].sort(), [30000, 30001, 30002]);
  assert.throws(() => a.allocateNext(), /range is full/);
  a.release(30001);
  assert.equal(a.allocateNext(), 30001);
  const restored = new PortRangeAllocator(30000, 30002);
  for (const p of a.allocated()) restored.allocate(p);
  assert.equal(restored.used(), 3);
  assert.equal(restored.free(), 0);
});
