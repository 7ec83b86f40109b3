import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KUBELET_BACKOFF, nextBackoff, shouldRestart } from './restart-policy';

test('restartPolicy decides by exit code', () => {
  assert.equal(shouldRestart(undefined, 0), true);
  assert.equal(shouldRestart('Always', 0), true);
  assert.equal(shouldRestart('OnFailure', 0), false);
  assert.equal(shouldRestart('OnFailure', 1), true);
  assert.equal(shouldRestart('Never', 1), false);
});

test('backoff doubles from 10s to 5 min and resets after a long run', () => {
  let b = nextBackoff(undefined, 0, KUBELET_BACKOFF);
  assert.equal(b, 10_000);
  const seen = [b];
  for (let i = 0; i < 6; i++) seen.push((b = nextBackoff(b, 1000, KUBELET_BACKOFF)));
  assert.deepEqual(seen, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  assert.equal(nextBackoff(300_000, 700_000, KUBELET_BACKOFF), 10_000);
});
