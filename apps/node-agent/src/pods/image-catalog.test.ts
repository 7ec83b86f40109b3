import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchPlan, parseImage, SLEEP_FOREVER, type CatalogPaths } from './image-catalog';

const paths: CatalogPaths = { nodeBinary: '/node', echoServerScript: '/echo.js', nginxBinary: '/usr/sbin/nginx', nginxConfig: '/p/nginx.conf', nginxPrefix: '/p' };

test('parseImage strips docker.io, library/, tag and digest', () => {
  assert.deepEqual(parseImage('docker.io/library/nginx:1.25'), { repository: 'nginx', tag: '1.25' });
  assert.deepEqual(parseImage('nginx'), { repository: 'nginx', tag: 'latest' });
  assert.deepEqual(parseImage('r.deso.tech/whoami/whoami:latest'), { repository: 'r.deso.tech/whoami/whoami', tag: 'latest' });
  assert.deepEqual(parseImage('localhost:5000/foo@sha256:abc'), { repository: 'localhost:5000/foo', tag: 'latest' });
});

test('nginx images run the real nginx with the per-pod config; with a command they run the command', () => {
  for (const image of ['nginx', 'nginx:alpine', 'nginx:latest', 'docker.io/library/nginx:1.27']) {
    const p = launchPlan({ name: 'c', image }, paths);
    assert.deepEqual(p, { ok: true, kind: 'nginx', argv: ['/usr/sbin/nginx', '-p', '/p', '-e', 'stderr', '-c', '/p/nginx.conf'] });
  }
  assert.deepEqual(launchPlan({ name: 'c', image: 'nginx:alpine', command: ['sh', '-c'], args: ['echo hi'] }, paths), { ok: true, kind: 'shell', argv: ['sh', '-c', 'echo hi'] });
});

test('echo images run the built-in echo server in the right mode', () => {
  const who = launchPlan({ name: 'c', image: 'traefik/whoami', args: ['--port', '8080'] }, paths);
  assert.deepEqual(who, { ok: true, kind: 'whoami', argv: ['/node', '/echo.js', '--mode=whoami', '--port', '8080'] });
  assert.equal((launchPlan({ name: 'c', image: 'r.deso.tech/whoami/whoami' }, paths) as { kind: string }).kind, 'whoami');
  assert.equal((launchPlan({ name: 'c', image: 'amsy810/echo-nginx' }, paths) as { kind: string }).kind, 'echo-nginx');
  assert.equal((launchPlan({ name: 'c', image: 'svcnet/echo:v1' }, paths) as { kind: string }).kind, 'svcnet-echo');
});

test('shell images run command+args, args after the entrypoint, or sleep forever', () => {
  assert.deepEqual(launchPlan({ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 5'] }, paths), { ok: true, kind: 'shell', argv: ['sh', '-c', 'sleep 5'] });
  assert.deepEqual(launchPlan({ name: 'c', image: 'busybox:1.36', args: ['sleep', '3600'] }, paths), { ok: true, kind: 'shell', argv: ['sleep', '3600'] });
  assert.deepEqual(launchPlan({ name: 'c', image: 'curlimages/curl', args: ['-s', 'http://x'] }, paths), { ok: true, kind: 'shell', argv: ['curl', '-s', 'http://x'] });
  assert.deepEqual(launchPlan({ name: 'c', image: 'nicolaka/netshoot' }, paths), { ok: true, kind: 'shell', argv: SLEEP_FOREVER });
});

test('an unknown image is ErrImagePull with a message, never a fallback', () => {
  const p = launchPlan({ name: 'c', image: 'quay.io/acme/app:1.0' }, paths);
  assert.equal(p.ok, false);
  if (!p.ok) {
    assert.equal(p.reason, 'ErrImagePull');
    assert.match(p.message, /quay\.io\/acme\/app/);
  }
  const e = launchPlan({ name: 'c' }, paths);
  assert.equal(e.ok, false);
});
