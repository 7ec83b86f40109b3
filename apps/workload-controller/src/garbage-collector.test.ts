import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from '@svcnet/api-types';
import { orphans } from './garbage-collector';

const rs = (name: string, ownerUid?: string, deleting = false): ReplicaSet => ({
  metadata: {
    name,
    namespace: 'default',
    ...(deleting ? { deletionTimestamp: '2026-11-23T00:00:00Z' } : {}),
    ownerReferences: ownerUid ? [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: ownerUid, controller: true }] : undefined,
  },
  spec: { selector: {}, template: { spec: { containers: [] } } },
});

test('only objects whose controlling owner is gone are orphans', () => {
  const all = [rs('live', 'd1'), rs('orphan', 'gone'), rs('unowned'), rs('already-deleting', 'gone', true)];
  assert.deepEqual(orphans(all, 'Deployment', new Set(['d1'])).map((r) => r.metadata.name), ['orphan']);
  assert.deepEqual(orphans(all, 'StatefulSet', new Set()).map((r) => r.metadata.name), []);
});
