import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyncRunner, type Clock, type SyncKind } from './sync-runner';

// A manual clock: advance(ms) fires due timers in order; syncs resolve at once.
class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > end) break;
      this.timers.shift();
      this.t = due.at;
      due.fn();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    this.t = end;
  }
}

function setup(fail: (n: number) => boolean = () => false) {
  const clock = new FakeClock();
  const calls: [number, SyncKind][] = [];
  const r = new SyncRunner({
    minIntervalMs: 100,
    fullIntervalMs: 30_000,
    retryMs: 1000,
    clock,
    sync: async (kind) => {
      calls.push([clock.t, kind]);
      if (fail(calls.length)) throw new Error('boom');
    },
  });
  return { clock, calls, r };
}

test('full sync at start, then incremental syncs batched by the minimum interval', async () => {
  const { clock, calls, r } = setup();
  r.start();
  await clock.advance(0);
  assert.deepEqual(calls, [[0, 'full']]);
  await clock.advance(50);
  r.request();
  r.request();
  await clock.advance(10);
  // not before 100 ms after the previous start
  assert.equal(calls.length, 1);
  await clock.advance(100);
  assert.deepEqual(calls[1], [100, 'incremental']);
  await clock.advance(1000);
  r.request();
  await clock.advance(0);
  assert.deepEqual(calls[2], [1160, 'incremental'], 'an idle runner syncs at once');
  assert.equal(calls.length, 3);
});

test('periodic full sync, and a full resync with backoff after a failure', async () => {
  const { clock, calls, r } = setup((n) => n === 2 || n === 3);
  r.start();
  await clock.advance(0);
  await clock.advance(30_000);
  assert.deepEqual(calls[1], [30_000, 'full']);
  // failure 1 -> retry after 1 s, failure 2 -> 2 s, then success
  await clock.advance(1000);
  assert.deepEqual(calls[2], [31_000, 'full']);
  await clock.advance(1999);
  assert.equal(calls.length, 3);
  await clock.advance(1);
  assert.deepEqual(calls[3], [33_000, 'full']);
  r.request();
  await clock.advance(100);
  assert.deepEqual(calls[4], [33_100, 'incremental']);
  r.stop();
  await clock.advance(60_000);
  assert.equal(calls.length, 5);
});
