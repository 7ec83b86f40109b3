// kill -9 a process that is writing as fast as it can, then check that every write it was
// told had succeeded is there after reopening. For FileStore this is the real crash test
// (torn log tails, group commit, compaction mid-stream); for etcd it shows that EtcdStore
// acknowledges only writes etcd has committed, also when etcd itself is killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EtcdStore } from './etcd-store';
import { FileStore } from './file-store';
import type { Store } from './store';
import { startTestEtcd, type TestEtcd } from './test-etcd';

const CHILD = path.join(__dirname, 'crash-child.js');

interface Run {
  acked: string[];
  /** resolves once the child has printed `n` acks */
  acks(n: number): Promise<void>;
  kill9(): Promise<void>;
}

function runChild(spec: string, tag: string, env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [CHILD, spec, tag], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const acked: string[] = [];
  let buf = '';
  let stderr = '';
  let waiting: { n: number; resolve(): void } | undefined;
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!; // a torn last line was never fully printed: not an ack
    for (const l of lines) if (l.startsWith('ack ')) acked.push(l.slice(4));
    if (waiting && acked.length >= waiting.n) waiting.resolve();
  });
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // never leave a writer behind if the test fails first
  const onExit = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    acked,
    acks: (n) =>
      new Promise<void>((resolve, reject) => {
        if (acked.length >= n) return resolve();
        const t = setTimeout(() => reject(new Error(`child acked ${acked.length}/${n}: ${stderr}`)), 30_000);
        waiting = { n, resolve: () => (clearTimeout(t), resolve()) };
        exited.then(() => reject(new Error(`child exited after ${acked.length} acks: ${stderr}`)));
      }),
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      await exited;
      process.removeListener('exit', onExit);
    },
  };
}

async function assertAllPresent(store: Store, acked: string[]): Promise<void> {
  const have = new Set((await store.list('/crash/')).items.map((o) => `/crash/${o.metadata.name}`));
  const missing = acked.filter((k) => !have.has(k));
  assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged writes lost`);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('crash: FileStore keeps every acknowledged write across repeated kill -9', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-crash-'));
  try {
    const all: string[] = [];
    for (let round = 0; round < 4; round++) {
      // a small compaction threshold so some crashes land around a snapshot
      const run = runChild(`file:${dir}`, `r${round}`, { CRASH_COMPACT_BYTES: String(200_000) });
      await run.acks(300 + round * 200);
      await pause(Math.floor(Math.random() * 30));
      await run.kill9();
      all.push(...run.acked);
      const s = FileStore.open({ dir });
      await assertAllPresent(s, all);
      // the reopened store still takes writes after the recovered history
      const rev = await s.currentRevision();
      const o = await s.create(`/after/${round}`, { metadata: { name: `after${round}` } });
      assert.equal(Number(o.metadata.resourceVersion), rev + 1);
      await s.close();
    }
    assert.ok(all.length >= 1000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('crash: EtcdStore acknowledges only committed writes (client and etcd kill -9)', async (t) => {
  const etcd: TestEtcd = await startTestEtcd();
  t.after(() => etcd.stop());
  const spec = `etcd:${etcd.endpoint}`;
  const env = { CRASH_ETCD_PREFIX: '/crash-test' };

  // the writer dies mid-stream
  const a = runChild(spec, 'client', env);
  await a.acks(300);
  await pause(Math.floor(Math.random() * 30));
  await a.kill9();

  // etcd dies mid-stream; the writer sees failures, then dies too
  const b = runChild(spec, 'server', env);
  await b.acks(300);
  await etcd.kill9();
  await pause(200);
  await b.kill9();
  await etcd.restart();

  const s = new EtcdStore({ endpoints: [etcd.endpoint], prefix: '/crash-test' });
  t.after(() => s.close());
  await assertAllPresent(s, [...a.acked, ...b.acked]);
});
