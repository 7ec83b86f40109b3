import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './work-queue';

test('a key is processed once however often it is added, and again if added while running', async () => {
  const seen: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new WorkQueue(async (k) => {
    seen.push(k);
    if (seen.length === 1) await gate;
  });
  q.add('a');
  q.add('a');
  q.add('b');
  q.add('a'); // 'a' is running: runs once more afterwards
  release();
  await new Promise((r) => setTimeout(r, 20));
  await q.idle();
  assert.deepEqual(seen, ['a', 'b', 'a']);
});

test('failures are retried with backoff', async () => {
  let n = 0;
  const errors: number[] = [];
  const q = new WorkQueue(
    async () => {
      if (++n < 3) throw new Error('boom');
    },
    { baseDelayMs: 5, onError: (_k, _e, attempt) => errors.push(attempt) },
  );
  q.add('x');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(n, 3);
  assert.deepEqual(errors, [1, 2]);
  q.stop();
});

test('a paused queue holds keys until run()', async () => {
  const seen: string[] = [];
  const q = new WorkQueue(async (k) => void seen.push(k), { paused: true });
  q.add('a');
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen, []);
  q.run();
  await q.idle();
  assert.deepEqual(seen, ['a']);
});
