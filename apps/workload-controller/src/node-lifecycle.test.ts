import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '@svcnet/api-types';
import { staleReadyCondition, withReadyCondition } from './node-lifecycle';

const node = (status: 'True' | 'False' | 'Unknown', heartbeat: string): Node => ({
  metadata: { name: 'node-1' },
  status: { conditions: [{ type: 'Ready', status, reason: 'KubeletReady', lastHeartbeatTime: heartbeat, lastTransitionTime: '2026-11-23T10:00:00Z' }] },
});

test('a fresh heartbeat leaves the node alone', () => {
  assert.equal(staleReadyCondition(node('True', '2026-11-23T10:00:30Z'), Date.parse('2026-11-23T10:00:50Z'), 40_000), undefined);
});

test('a stale heartbeat turns Ready into Unknown with Kubernetes reason and message', () => {
  const c = staleReadyCondition(node('True', '2026-11-23T10:00:00Z'), Date.parse('2026-11-23T10:00:41Z'), 40_000)!;
  assert.equal(c.status, 'Unknown');
  assert.equal(c.reason, 'NodeStatusUnknown');
  assert.equal(c.message, 'Kubelet stopped posting node status.');
  assert.equal(c.lastTransitionTime, '2026-11-23T10:00:41Z');
  assert.equal(withReadyCondition(node('True', 'x'), c).status!.conditions![0].status, 'Unknown');
});

test('an already Unknown node is not rewritten; a NotReady one with a stale heartbeat is', () => {
  assert.equal(staleReadyCondition(node('Unknown', '2026-11-23T09:00:00Z'), Date.parse('2026-11-23T10:00:00Z'), 40_000), undefined);
  assert.equal(staleReadyCondition(node('False', '2026-11-23T09:00:00Z'), Date.parse('2026-11-23T10:00:00Z'), 40_000)?.status, 'Unknown');
});
