// As root: the server with its default --listen 0.0.0.0:53 inside a fresh network
// namespace that has only loopback, queried by dig in the same namespace. The namespace
// has no route anywhere, so the resolv.conf upstream is unreachable: outside names must
// fail with SERVFAIL fast instead of hanging.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startApp, type AppProcess } from '@svcnet/test-harness';
import { parseDig } from './testing/dig';

const NS = `svcnet-dns-${process.pid}`;
let dns: AppProcess | undefined;
let dir: string;

before(async () => {
  execFileSync('ip', ['netns', 'add', NS]);
  execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-dns-root-'));
  // an upstream that exists on paper but has no route from this namespace
  fs.writeFileSync(path.join(dir, 'resolv.conf'), 'nameserver 192.0.2.53\n');
  dns = await startApp({ app: 'dns', prefix: ['ip', 'netns', 'exec', NS], args: ['--apiserver=', '--health-port=0', `--resolv-conf=${path.join(dir, 'resolv.conf')}`] });
});

after(async () => {
  await dns?.stop();
  execFileSync('ip', ['netns', 'del', NS]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function digIn(args: string[]) {
  const out = execFileSync('ip', ['netns', 'exec', NS, 'dig', '@127.0.0.1', '+tries=1', '+time=3', ...args], { encoding: 'utf8' });
  return parseDig(out);
}

test('serves on port 53 by default inside the namespace, UDP and TCP', () => {
  assert.equal(dns?.ready.dnsPort, 53);
  for (const t of ['+notcp', '+tcp']) {
    const v = digIn(['dns-version.cluster.local', 'TXT', t]);
    assert.equal(v.status, 'NOERROR');
    assert.deepEqual(v.answers, ['dns-version.cluster.local. TXT "1.1.0"']);
    assert.equal(digIn(['nothing.default.svc.cluster.local', t]).status, 'NXDOMAIN');
  }
});

test('unreachable upstream: SERVFAIL well within 2 s', () => {
  const t = Date.now();
  const r = digIn(['example.com']);
  assert.equal(r.status, 'SERVFAIL');
  assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
});
