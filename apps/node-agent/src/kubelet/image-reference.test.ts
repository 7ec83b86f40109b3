import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageReference } from './image-reference';

const D = 'sha256:' + 'a'.repeat(64);

test('image references normalise like distribution/reference ParseNormalizedNamed', () => {
  const cases: [string, { registry: string; repository: string; tag?: string; digest?: string; full: string }][] = [
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest', full: 'docker.io/library/nginx:latest' }],
    ['nginx:1.25', { registry: 'docker.io', repository: 'library/nginx', tag: '1.25', full: 'docker.io/library/nginx:1.25' }],
    ['bitnami/redis', { registry: 'docker.io', repository: 'bitnami/redis', tag: 'latest', full: 'docker.io/bitnami/redis:latest' }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest', full: 'docker.io/library/nginx:latest' }],
    // the legacy index name is docker.io
    ['index.docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest', full: 'docker.io/library/nginx:latest' }],
    ['r.deso.tech/whoami/whoami', { registry: 'r.deso.tech', repository: 'whoami/whoami', tag: 'latest', full: 'r.deso.tech/whoami/whoami:latest' }],
    ['localhost:5000/x', { registry: 'localhost:5000', repository: 'x', tag: 'latest', full: 'localhost:5000/x:latest' }],
    ['localhost/x:v1', { registry: 'localhost', repository: 'x', tag: 'v1', full: 'localhost/x:v1' }],
    ['myhost:5000/a/b/c:v1', { registry: 'myhost:5000', repository: 'a/b/c', tag: 'v1', full: 'myhost:5000/a/b/c:v1' }],
    // a digest alone gets no default tag
    [`nginx@${D}`, { registry: 'docker.io', repository: 'library/nginx', tag: undefined, digest: D, full: `docker.io/library/nginx@${D}` }],
    [`quay.io/x/y:1.0@${D}`, { registry: 'quay.io', repository: 'x/y', tag: '1.0', digest: D, full: `quay.io/x/y:1.0@${D}` }],
    // a first component that is not lower case is a registry host, not a path
    ['UPPER/case', { registry: 'UPPER', repository: 'case', tag: 'latest', full: 'UPPER/case:latest' }],
  ];
  for (const [image, want] of cases) {
    const got = parseImageReference(image);
    assert.ok(!('error' in got), `${image}: ${JSON.stringify(got)}`);
    assert.deepEqual({ ...got, digest: got.digest }, { ...want, digest: want.digest }, image);
  }
});

test('invalid image names give the kubelet InvalidImageName message', () => {
  const msg = (image: string, why: string) => `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${why}`;
  const cases: [string, string][] = [
    ['a::b', 'invalid reference format'],
    ['nginx:', 'invalid reference format'],
    ['-nginx', 'invalid reference format'],
    ['nginx/UPPER', 'invalid reference format: repository name (nginx/UPPER) must be lowercase'],
    ['UPPER', 'invalid reference format: repository name (library/UPPER) must be lowercase'],
    ['quay.io/Foo/bar:v1', 'invalid reference format: repository name (Foo/bar) must be lowercase'],
    ['a'.repeat(64).replace(/a/g, 'f'), `invalid repository name (${'f'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    [`nginx@sha256:${'a'.repeat(32)}`, 'invalid checksum digest length'],
    [`nginx@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [`nginx@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
    [`r.io/${'a'.repeat(260)}`, 'repository name must not be more than 255 characters'],
    ['nginx:' + 't'.repeat(129), 'invalid reference format'],
  ];
  for (const [image, why] of cases) assert.deepEqual(parseImageReference(image), { error: msg(image, why) }, image);
});

test('the 255 character limit is on the name, not on tag and digest', () => {
  const name = `r.io/${'a'.repeat(240)}`;
  const r = parseImageReference(`${name}:v1@${D}`);
  assert.ok(!('error' in r));
});
