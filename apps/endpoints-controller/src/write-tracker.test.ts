import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@svcnet/api-types';
import { WriteTracker, rvAtLeast } from './write-tracker';

const obj = (name: string, rv: string): KubeObject => ({ metadata: { name, namespace: 'default', resourceVersion: rv } });

test('a sync is stale until the cache shows our writes and deletes', () => {
  const t = new WriteTracker();
  const cache = new Map<string, KubeObject>();
  const lookup = (_r: string, _ns: string, name: string) => cache.get(name);
  t.wrote('default/web', 'endpointslices', obj('web-abcde', '10'));
  t.deleted('default/web', 'endpointslices', 'default', 'web-old');
  cache.set('web-old', obj('web-old', '3'));
  assert.equal(t.isStale('default/web', lookup), true);
  cache.set('web-abcde', obj('web-abcde', '9'));
  assert.equal(t.isStale('default/web', lookup), true);
  cache.set('web-abcde', obj('web-abcde', '11'));
  assert.equal(t.isStale('default/web', lookup), true, 'the delete is not seen yet');
  cache.delete('web-old');
  assert.equal(t.isStale('default/web', lookup), false);
  assert.equal(t.isStale('default/other', lookup), false);
});

test('resourceVersions compare numerically, opaque ones by equality', () => {
  assert.equal(rvAtLeast('10', '9'), true);
  assert.equal(rvAtLeast('9', '10'), false);
  assert.equal(rvAtLeast('abc', 'abc'), true);
  assert.equal(rvAtLeast(undefined, '1'), false);
});
