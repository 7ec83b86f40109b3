import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '@svcnet/api-types';
import { schedulePod } from './schedule';

const node = (name: string, ready = true, labels: Record<string, string> = {}, unschedulable = false): Node => ({
  metadata: { name, labels },
  spec: { unschedulable },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const pod = (name: string, nodeName?: string, owner = 'rs1', nodeSelector?: Record<string, string>): Pod => ({
  metadata: { name, namespace: 'default', uid: name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: owner, controller: true }] },
  spec: { containers: [], nodeName, nodeSelector },
});

test('picks the node with the fewest pods of the same owner, then fewest pods, then by name', () => {
  const nodes = [node('node-1'), node('node-2'), node('node-3')];
  assert.deepEqual(schedulePod(pod('p'), nodes, []), { node: 'node-1' });
  const existing = [pod('a', 'node-1'), pod('b', 'node-2'), pod('x', 'node-3', 'other'), pod('y', 'node-3', 'other')];
  assert.deepEqual(schedulePod(pod('p'), nodes, existing), { node: 'node-3' });
  existing.push(pod('c', 'node-3'));
  assert.deepEqual(schedulePod(pod('p'), nodes, existing), { node: 'node-1' });
});

test('skips not-ready, unschedulable and non-matching nodes', () => {
  const nodes = [node('node-1', false), node('node-2', true, {}, true), node('node-3', true, { disk: 'ssd' })];
  assert.deepEqual(schedulePod(pod('p', undefined, 'rs1', { disk: 'ssd' }), nodes, []), { node: 'node-3' });
  const r = schedulePod(pod('p', undefined, 'rs1', { disk: 'hdd' }), nodes, []);
  assert.ok('unschedulable' in r);
  assert.match(r.unschedulable, /^0\/3 nodes are available: 1 node\(s\) had untolerated taint \{node.kubernetes.io\/not-ready: \}, 1 node\(s\) didn't match Pod's node affinity\/selector, 1 node\(s\) were unschedulable\./);
  assert.deepEqual(schedulePod(pod('p'), [], []), { unschedulable: 'no nodes available to schedule pods' });
});
