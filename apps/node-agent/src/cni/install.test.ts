// installCniPlugin into temp dirs (no root needed); plugin dirs are faked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCniConfList } from './cni-config';
import { CONFLIST_FILE, installCniPlugin, isSvcnetConf } from './install';

test('installs shim, links loopback/portmap, writes conflist, drops our stale confs, idempotent', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-cni-install-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plugins = join(dir, 'sys');
  mkdirSync(plugins);
  for (const p of ['loopback', 'portmap']) writeFileSync(join(plugins, p), '#!/bin/sh\n', { mode: 0o755 });
  const binDir = join(dir, 'bin');
  const confDir = join(dir, 'conf');
  mkdirSync(confDir);
  writeFileSync(join(confDir, '05-old-svcnet.conflist'), JSON.stringify({ name: 'x', plugins: [{ type: 'svcnet-bridge' }] }));
  writeFileSync(join(confDir, '99-other.conf'), JSON.stringify({ name: 'y', type: 'bridge' }));
  writeFileSync(join(confDir, 'README'), 'keep');
  const conflist = renderCniConfList({ name: 'svcnet', bridge: 'svcnet0', subnet: '10.244.1.0/24', dataDir: join(dir, 'ipam') });

  for (let i = 0; i < 2; i++) installCniPlugin({ binDir, confDir, conflist, nodeBinary: '/usr/bin/node', pluginDirs: [join(dir, 'missing'), plugins] });

  const shim = readFileSync(join(binDir, 'svcnet-bridge'), 'utf8');
  assert.match(shim, /^#!\/bin\/sh\n/);
  assert.match(shim, /exec '\/usr\/bin\/node' '\/.*\/cni\/main\.js' "\$@"\n$/);
  assert.equal(statSync(join(binDir, 'svcnet-bridge')).mode & 0o777, 0o755);
  assert.equal(readlinkSync(join(binDir, 'loopback')), join(plugins, 'loopback'));
  assert.equal(readlinkSync(join(binDir, 'portmap')), join(plugins, 'portmap'));
  assert.deepEqual(readdirSync(binDir).sort(), ['loopback', 'portmap', 'svcnet-bridge']);
  assert.deepEqual(readdirSync(confDir).sort(), [CONFLIST_FILE, '99-other.conf', 'README']);
  assert.equal(readFileSync(join(confDir, CONFLIST_FILE), 'utf8'), conflist);
  assert.ok(!existsSync(join(confDir, '05-old-svcnet.conflist')));
});

test('missing loopback plugin and bad conflist are errors', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-cni-install-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const o = { binDir: join(dir, 'bin'), confDir: join(dir, 'conf'), pluginDirs: [join(dir, 'none')] };
  assert.throws(() => installCniPlugin({ ...o, conflist: '{}' }), /loopback/);
  assert.throws(() => installCniPlugin({ ...o, conflist: '{' }), SyntaxError);
  assert.equal(isSvcnetConf('{"type":"svcnet-bridge"}'), true);
  assert.equal(isSvcnetConf('nope'), false);
});
