import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, ReplicaSet } from '@svcnet/api-types';
import { compareForDeletion, ownedPods, planReplicaSet, podFromTemplate } from './replica-set-plan';

const rs: ReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'nginx-869759589d', namespace: 'default', uid: 'rs-uid', generation: 2, labels: { app: 'nginx', 'pod-template-hash': '869759589d' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'nginx', 'pod-template-hash': '869759589d' } },
    template: { metadata: { labels: { app: 'nginx', 'pod-template-hash': '869759589d' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
  },
};

function pod(name: string, opts: { node?: string; phase?: Pod['status'] extends infer S ? any : never; ready?: boolean; created?: string; deleting?: boolean } = {}): Pod {
  const p = podFromTemplate(rs);
  p.metadata.name = name;
  p.metadata.uid = `uid-${name}`;
  p.metadata.creationTimestamp = opts.created ?? '2026-01-01T00:00:00Z';
  if (opts.deleting) p.metadata.deletionTimestamp = '2026-01-01T00:10:00Z';
  if (opts.node) p.spec.nodeName = opts.node;
  p.status = {
    phase: opts.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:01:00Z' }],
  };
  return p;
}

test('podFromTemplate names, labels and owns pods like Kubernetes', () => {
  const p = podFromTemplate(rs);
  assert.match(String(p.metadata.name), /^nginx-869759589d-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(p.metadata.labels?.['pod-template-hash'], '869759589d');
  assert.deepEqual(p.metadata.ownerReferences, [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nginx-869759589d', uid: 'rs-uid', controller: true, blockOwnerDeletion: true },
  ]);
  assert.equal(p.spec.nodeName, undefined);
});

test('scale up creates the missing pods; terminating and failed pods do not count', () => {
  const pods = [pod('a', { ready: true, node: 'n1' }), pod('b', { deleting: true }), pod('c', { phase: 'Failed' })];
  const plan = planReplicaSet(rs, pods, Date.now());
  assert.equal(plan.create, 2);
  assert.equal(plan.delete.length, 0);
  assert.deepEqual(plan.status, { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
});

test('scale down deletes unassigned, then not-ready, then newest pods first', () => {
  const pods = [
    pod('old-ready', { ready: true, node: 'n1', created: '2026-01-01T00:00:00Z' }),
    pod('new-ready', { ready: true, node: 'n1', created: '2026-01-02T00:00:00Z' }),
    pod('not-ready', { ready: false, node: 'n2' }),
    pod('pending', { phase: 'Pending' }),
    pod('mid-ready', { ready: true, node: 'n2', created: '2026-01-01T12:00:00Z' }),
  ];
  const one = { ...rs, spec: { ...rs.spec, replicas: 1 } };
  const plan = planReplicaSet(one, pods, Date.now());
  assert.equal(plan.create, 0);
  assert.deepEqual(plan.delete.map((p) => p.metadata.name), ['pending', 'not-ready', 'new-ready', 'mid-ready']);
  assert.equal([...pods].sort(compareForDeletion)[4].metadata.name, 'old-ready');
});

test('ownedPods needs the controller reference and a matching selector', () => {
  const mine = pod('mine');
  const other = pod('other');
  other.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'other', controller: true }];
  const relabeled = pod('relabeled');
  relabeled.metadata.labels = { app: 'debug' };
  assert.deepEqual(ownedPods(rs, [mine, other, relabeled]).map((p) => p.metadata.name), ['mine']);
});

test('availability honours minReadySeconds', () => {
  const slow = { ...rs, spec: { ...rs.spec, minReadySeconds: 30 } };
  const p = pod('a', { ready: true, node: 'n1' });
  const t = Date.parse('2026-01-01T00:01:00Z');
  assert.equal(planReplicaSet(slow, [p], t + 10_000).status.availableReplicas, 0);
  assert.equal(planReplicaSet(slow, [p], t + 31_000).status.availableReplicas, 1);
});
