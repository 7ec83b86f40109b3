import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStore } from './file-store';
import { runStoreConformance } from './store-conformance';
import { isStoreError, type Store } from './store';

const dirs: string[] = [];
const dirOf = new WeakMap<Store, string>();
runStoreConformance('FileStore', {
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-store-'));
    dirs.push(dir);
    const s = FileStore.open({ dir });
    dirOf.set(s, dir);
    return s;
  },
  async reopen(old) {
    const dir = dirOf.get(old)!;
    const s = FileStore.open({ dir });
    dirOf.set(s, dir);
    return s;
  },
  async cleanup() {},
});

test.after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test('FileStore: a torn log tail is cut off, compaction keeps data', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-store-'));
  try {
    let s = FileStore.open({ dir, compactBytes: 2000 });
    for (let i = 0; i < 30; i++) await s.create(`/k/${i}`, { metadata: { name: `n${i}` } });
    await s.close();
    fs.appendFileSync(path.join(dir, 'wal.log'), '{"rev":99999,"op":"put","key":"/k/torn"');
    s = FileStore.open({ dir, compactBytes: 2000 });
    assert.equal((await s.list('/k/')).items.length, 30);
    assert.equal(await s.get('/k/torn'), undefined);
    const n = await s.create('/k/next', { metadata: { name: 'next' } });
    assert.equal(n.metadata.resourceVersion, '31');
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('FileStore: watching from a compacted-away revision gives Gone', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-store-'));
  try {
    const s = FileStore.open({ dir, historySize: 5 });
    for (let i = 0; i < 20; i++) await s.create(`/k/${i}`, { metadata: { name: `n${i}` } });
    const err = await new Promise<Error>((resolve) => s.watch('/k/', 2, { onEvent: () => undefined, onError: resolve }));
    assert.ok(isStoreError(err, 'Gone'));
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
