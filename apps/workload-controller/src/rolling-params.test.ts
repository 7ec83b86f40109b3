import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '@svcnet/api-types';
import { rollingParams, scaledValue } from './rolling-params';

const dep = (replicas: number, ru?: { maxSurge?: number | string; maxUnavailable?: number | string }, type?: 'Recreate'): Deployment => ({
  metadata: { name: 'd' },
  spec: { replicas, selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [] } }, strategy: { type, rollingUpdate: ru } },
});

test('defaults are 25%: surge rounds up, unavailable rounds down', () => {
  assert.deepEqual(rollingParams(dep(3)), { maxSurge: 1, maxUnavailable: 0 });
  assert.deepEqual(rollingParams(dep(10)), { maxSurge: 3, maxUnavailable: 2 });
  assert.deepEqual(rollingParams(dep(4)), { maxSurge: 1, maxUnavailable: 1 });
});

test('absolute values and both zero', () => {
  assert.deepEqual(rollingParams(dep(5, { maxSurge: 2, maxUnavailable: '40%' })), { maxSurge: 2, maxUnavailable: 2 });
  assert.deepEqual(rollingParams(dep(5, { maxSurge: 0, maxUnavailable: 0 })), { maxSurge: 0, maxUnavailable: 1 });
  assert.deepEqual(rollingParams(dep(5, undefined, 'Recreate')), { maxSurge: 0, maxUnavailable: 5 });
  assert.throws(() => scaledValue('abc', 5, true, 0));
});
