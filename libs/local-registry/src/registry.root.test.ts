// Root test: build the stand-ins (cached), start the registry on loopback inside a netns of our
// own, publish every ref, inspect one with skopeo, publish again (nothing to push), clean up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createNetns, deleteNetns, run } from '@svcnet/netns';
import { buildStandins } from './build-standins';
import { publishStandins } from './publish';
import { startRegistry, type RegistryHandle } from './registry-process';
import { standinRefs } from './standins';

test('stand-ins are published to a local registry and served under their mirror paths', { timeout: 600_000 }, async (t) => {
  const t0 = Date.now();
  const layoutDir = await buildStandins({ onLine: (l) => t.diagnostic(l) });
  t.diagnostic(`build-standins: ${Date.now() - t0} ms`);

  const ns = `svcnet-t-${process.pid}-reg`;
  const netnsPath = `/run/netns/${ns}`;
  const dir = mkdtempSync('/tmp/svcnet-registry-test-');
  const listen = `127.0.0.1:${20000 + Math.floor(Math.random() * 20000)}`;
  let reg: RegistryHandle | undefined;
  try {
    await createNetns(ns);
    const t1 = Date.now();
    reg = await startRegistry({ listen, storageDir: join(dir, 'storage'), configPath: join(dir, 'config.yml'), logFile: join(dir, 'registry.log'), netnsPath });
    t.diagnostic(`registry ready in ${Date.now() - t1} ms (pid ${reg.pid})`);

    const first = await publishStandins({ layoutDir, registry: listen, netnsPath, onProgress: (l) => t.diagnostic(l) });
    t.diagnostic(`first publish: ${first.copied} refs in ${first.ms} ms`);
    assert.equal(first.copied, standinRefs().length);

    const inspect = await run('nsenter', [`--net=${netnsPath}`, 'skopeo', 'inspect', '--tls-verify=false', `docker://${listen}/library/nginx:1.27-alpine`]);
    const info = JSON.parse(inspect.stdout) as { Labels: Record<string, string> };
    assert.equal(info.Labels['io.svcnet.standin'], 'true');
    assert.match(info.Labels['org.opencontainers.image.description'], /stand-in/);

    // Not reachable from the host's own loopback: the registry lives in the test netns only.
    const outside = await run('curl', ['-s', '-o', '/dev/null', '--max-time', '1', `http://${listen}/v2/`], { allowFailure: true });
    assert.notEqual(outside.code, 0);

    const again = await publishStandins({ layoutDir, registry: listen, netnsPath });
    t.diagnostic(`second publish: ${again.copied} copied, ${again.upToDate} up to date in ${again.ms} ms`);
    assert.equal(again.copied, 0);
    assert.equal(again.upToDate, standinRefs().length);

    const pid = reg.pid;
    await reg.stop();
    reg = undefined;
    assert.throws(() => process.kill(pid, 0));
  } finally {
    await reg?.stop();
    await deleteNetns(ns);
    rmSync(dir, { recursive: true, force: true });
  }
});
