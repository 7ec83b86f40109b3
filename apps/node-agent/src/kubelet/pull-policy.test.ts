import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageReference, type ImageReference } from './image-reference';
import { effectivePullPolicy, pullDecision } from './pull-policy';

const ref = (image: string) => parseImageReference(image) as ImageReference;
const D = 'sha256:' + 'b'.repeat(64);

test('an unset imagePullPolicy defaults like SetDefaults_Container: Always only for the latest tag', () => {
  const cases: [string, string | undefined, string][] = [
    ['nginx', undefined, 'Always'],
    ['nginx:latest', undefined, 'Always'],
    ['nginx:1.25', undefined, 'IfNotPresent'],
    [`nginx@${D}`, undefined, 'IfNotPresent'],
    // ParseImageName reports the explicit tag even with a digest
    [`nginx:latest@${D}`, undefined, 'Always'],
    ['nginx', 'IfNotPresent', 'IfNotPresent'],
    ['nginx:1.25', 'Always', 'Always'],
    ['nginx', 'Never', 'Never'],
    ['nginx:1', '', 'IfNotPresent'],
  ];
  for (const [image, policy, want] of cases) assert.equal(effectivePullPolicy(policy, ref(image)), want, `${image} ${policy}`);
});

test('pull decision follows shouldPullImage, Never with a missing image is ErrImageNeverPull', () => {
  const cases: ['Always' | 'IfNotPresent' | 'Never', boolean, string][] = [
    ['Always', true, 'pull'],
    ['Always', false, 'pull'],
    ['IfNotPresent', true, 'use-present'],
    ['IfNotPresent', false, 'pull'],
    ['Never', true, 'use-present'],
    ['Never', false, 'never-pull-missing'],
  ];
  for (const [policy, present, want] of cases) assert.equal(pullDecision(policy, present), want, `${policy} ${present}`);
});
