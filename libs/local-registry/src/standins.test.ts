import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STANDIN_IMAGES, mirrorPath, pathCollisions, standinRefs } from './standins';
import { findStandin, normalizeImageRef } from './image-ref';

const IMAGES_DIR = join(__dirname, '../../../deploy/images');

test('every stand-in has a recipe, a description and refs', () => {
  assert.ok(STANDIN_IMAGES.length >= 10);
  for (const i of STANDIN_IMAGES) {
    assert.match(i.id, /^[a-z0-9][a-z0-9-]*$/);
    assert.ok(existsSync(join(IMAGES_DIR, i.id, 'build.sh')), `deploy/images/${i.id}/build.sh`);
    assert.match(i.description, /stand-in/);
    assert.ok(i.refs.length > 0 && i.refs.every((r) => r.tags.length > 0));
  }
});

test('refs are unique and no two stand-ins share a mirror path', () => {
  const refs = standinRefs();
  assert.equal(new Set(refs.map((r) => r.ref)).size, refs.length);
  assert.deepEqual(pathCollisions(refs), []);
  const clash = standinRefs([
    { id: 'a', description: '', refs: [{ registry: 'docker.io', repository: 'library/netshoot', tags: ['latest'] }] },
    { id: 'b', description: '', refs: [{ registry: 'r.deso.tech', repository: 'library/netshoot', tags: ['latest'] }] },
  ]);
  assert.deepEqual(pathCollisions(clash), ['library/netshoot:latest']);
});

test('the tutorial images are stand-ins, at the paths a mirror is asked for', () => {
  const expect: [string, string, string][] = [
    ['nginx', 'nginx', 'library/nginx:latest'],
    ['nginx:1.27-alpine', 'nginx', 'library/nginx:1.27-alpine'],
    ['docker.io/library/nginx:mainline-alpine', 'nginx', 'library/nginx:mainline-alpine'],
    ['busybox:1.28', 'busybox', 'library/busybox:1.28'],
    ['alpine:3.19', 'alpine', 'library/alpine:3.19'],
    ['traefik/whoami:v1.10.1', 'whoami', 'traefik/whoami:v1.10.1'],
    ['r.deso.tech/whoami/whoami', 'whoami', 'whoami/whoami:latest'],
    ['containous/whoami', 'whoami', 'containous/whoami:latest'],
    ['amsy810/echo-nginx:v2.0', 'echo-nginx', 'amsy810/echo-nginx:v2.0'],
    ['amsy810/tools:v2.0', 'tools', 'amsy810/tools:v2.0'],
    ['curlimages/curl', 'curl', 'curlimages/curl:latest'],
    ['nicolaka/netshoot', 'netshoot', 'nicolaka/netshoot:latest'],
    ['r.deso.tech/library/netshoot', 'netshoot', 'library/netshoot:latest'],
    ['tutum/dnsutils', 'dnsutils', 'tutum/dnsutils:latest'],
    ['registry.k8s.io/pause:3.10', 'pause', 'pause:3.10'],
  ];
  for (const [ref, id, path] of expect) {
    const s = findStandin(ref);
    assert.ok(s, ref);
    assert.equal(s.image, id, ref);
    assert.equal(s.path, path, ref);
  }
  for (const tag of ['latest', 'alpine', 'stable', 'mainline', 'stable-alpine', 'mainline-alpine', '1', '1.25', '1.26', '1.27', '1.28', '1.29']) {
    assert.ok(findStandin(`nginx:${tag}`), tag);
    if (!tag.includes('alpine') && tag !== 'latest' && !/^[a-z]+$/.test(tag)) assert.ok(findStandin(`nginx:${tag}-alpine`), `${tag}-alpine`);
  }
  assert.equal(findStandin('nginx:0.1'), undefined);
  assert.equal(findStandin('quay.io/library/nginx'), undefined);
  assert.equal(findStandin(`nginx@sha256:${'a'.repeat(64)}`), undefined);
  assert.equal(mirrorPath('library/nginx', '1.27'), 'library/nginx:1.27');
});

test('normalizeImageRef follows docker', () => {
  assert.deepEqual(normalizeImageRef('nginx'), { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' });
  assert.deepEqual(normalizeImageRef('index.docker.io/amsy810/tools:v2.0'), { registry: 'docker.io', repository: 'amsy810/tools', tag: 'v2.0' });
  assert.deepEqual(normalizeImageRef('localhost:5000/x/y:1'), { registry: 'localhost:5000', repository: 'x/y', tag: '1' });
  assert.deepEqual(normalizeImageRef('registry.k8s.io/pause:3.9'), { registry: 'registry.k8s.io', repository: 'pause', tag: '3.9' });
  const d = `sha256:${'b'.repeat(64)}`;
  assert.deepEqual(normalizeImageRef(`busybox@${d}`), { registry: 'docker.io', repository: 'library/busybox', digest: d });
  assert.throws(() => normalizeImageRef('Nginx'));
  assert.throws(() => normalizeImageRef(''));
});
