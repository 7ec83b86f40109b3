import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLayoutIndex } from './oci-layout';
import { manifestUrl, planPublish } from './publish-plan';
import { runPool } from './pool';
import { standinRefs, type StandinImage } from './standins';

const images: StandinImage[] = [
  { id: 'nginx', description: '', refs: [{ registry: 'docker.io', repository: 'library/nginx', tags: ['latest', '1.27'] }] },
  {
    id: 'whoami',
    description: '',
    refs: [
      { registry: 'docker.io', repository: 'traefik/whoami', tags: ['latest'] },
      { registry: 'r.deso.tech', repository: 'whoami/whoami', tags: ['latest'] },
    ],
  },
];
const index = JSON.stringify({
  schemaVersion: 2,
  manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:n', size: 1, annotations: { 'org.opencontainers.image.ref.name': 'nginx' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:w', size: 1, annotations: { 'org.opencontainers.image.ref.name': 'whoami' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:x', size: 1 },
  ],
});

test('planPublish skips refs the registry has, groups the rest by repository', () => {
  const refs = standinRefs(images);
  const tags = parseLayoutIndex(index);
  assert.deepEqual([...tags.keys()], ['nginx', 'whoami']);
  const remote = new Map([
    ['library/nginx:latest', 'sha256:old'],
    ['traefik/whoami:latest', 'sha256:w'],
  ]);
  const plan = planPublish(refs, '/l', tags, '127.0.0.1:5000', remote);
  assert.deepEqual(plan.upToDate.map((r) => r.path), ['traefik/whoami:latest']);
  assert.deepEqual(
    plan.groups.map((g) => g.map((s) => s.dest)),
    [['docker://127.0.0.1:5000/library/nginx:latest', 'docker://127.0.0.1:5000/library/nginx:1.27'], ['docker://127.0.0.1:5000/whoami/whoami:latest']],
  );
  assert.equal(plan.groups[0][0].source, 'oci:/l:nginx');
  assert.equal(plan.groups[0][0].mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifestUrl('127.0.0.1:5000', refs[3]), 'http://127.0.0.1:5000/v2/whoami/whoami/manifests/latest');
});

test('planPublish fails clearly when the layout lacks a stand-in', () => {
  assert.throws(() => planPublish(standinRefs(images), '/l', parseLayoutIndex('{"manifests":[]}'), 'r:1', new Map()), /build-standins/);
});

test('runPool bounds concurrency and reports the first failure', async () => {
  let running = 0;
  let peak = 0;
  const done: number[] = [];
  await runPool([1, 2, 3, 4, 5], 2, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 5));
    done.push(n);
    running--;
  });
  assert.equal(peak, 2);
  assert.equal(done.length, 5);
  await assert.rejects(runPool([1, 2], 2, async (n) => { if (n === 2) throw new Error('boom'); }), /boom/);
});
