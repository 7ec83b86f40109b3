import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EtcdStore } from './etcd-store';
import { FileStore } from './file-store';
import { openStore } from './open-store';
import { startTestEtcd } from './test-etcd';

test('openStore: file:<dir> is a FileStore in that dir', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-open-'));
  try {
    const s = await openStore(`file:${dir}`);
    assert.ok(s instanceof FileStore);
    await s.create('/k/a', { metadata: { name: 'a' } });
    await s.close();
    assert.ok(fs.existsSync(path.join(dir, 'wal.log')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('openStore: etcd:<urls> is an EtcdStore; an unreachable etcd fails at open', async (t) => {
  const etcd = await startTestEtcd();
  t.after(() => etcd.stop());
  const s = await openStore(`etcd:${etcd.endpoint},${etcd.endpoint}`, { etcdPrefix: '/open' });
  t.after(() => s.close());
  assert.ok(s instanceof EtcdStore);
  const a = await s.create('/k/a', { metadata: { name: 'a' } });
  assert.equal((await s.get('/k/a'))?.metadata.resourceVersion, a.metadata.resourceVersion);
  await assert.rejects(openStore('etcd:http://127.0.0.1:1', { etcd: { requestTimeoutMs: 2000 } }), /not reachable/);
});

test('openStore: malformed specs are rejected', async () => {
  for (const spec of ['', '/var/lib/x', 'file:', 'etcd:', 'etcd:127.0.0.1:2379', 'sqlite:/x']) {
    await assert.rejects(openStore(spec), /storage spec/, spec);
  }
});
