import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodTemplateSpec } from '@svcnet/api-types';
import { SAFE_ALPHANUMS, generateName, podTemplateHash, randomSuffix, safeEncodeString } from './names';

const tmpl: PodTemplateSpec = { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } };

test('pod-template-hash is stable, safe-encoded and ignores key order and its own label', () => {
  const h = podTemplateHash(tmpl);
  assert.match(h, new RegExp(`^[${SAFE_ALPHANUMS}]{1,10}$`));
  const reordered: PodTemplateSpec = { spec: { containers: [{ image: 'nginx:1.25', name: 'nginx' }] }, metadata: { labels: { app: 'nginx' } } };
  assert.equal(podTemplateHash(reordered), h);
  const withHash: PodTemplateSpec = { ...tmpl, metadata: { labels: { app: 'nginx', 'pod-template-hash': h } } };
  assert.equal(podTemplateHash(withHash), h);
  const changed: PodTemplateSpec = { ...tmpl, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } };
  assert.notEqual(podTemplateHash(changed), h);
  assert.notEqual(podTemplateHash(tmpl, 1), h);
});

test('safeEncodeString maps digits like Kubernetes', () => {
  // '0' is 48, 48 % 27 = 21 -> '4'; '9' is 57 % 27 = 3 -> 'f'
  assert.equal(safeEncodeString('09'), '4f');
});

test('random suffixes use the safe alphabet; generateName keeps names within 63 chars', () => {
  for (let i = 0; i < 50; i++) assert.match(randomSuffix(), new RegExp(`^[${SAFE_ALPHANUMS}]{5}$`));
  assert.equal(generateName('x'.repeat(80) + '-').length, 63);
  assert.match(generateName('nginx-869759589d-'), /^nginx-869759589d-[a-z0-9]{5}$/);
});
