// Tests only: a real single-member etcd on free loopback ports with its data in a tmp dir.
// The test owns the process: it is stopped by pid (stop/kill9), and an exit hook kills it
// and removes the dir if the test process ends without stopping it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestEtcd {
  /** client URL, e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly dataDir: string;
  readonly pid: number;
  /** SIGTERM, wait for exit, remove the data dir */
  stop(): Promise<void>;
  /** SIGKILL, wait for exit; the data dir stays for restart() */
  kill9(): Promise<void>;
  /** start again on the same data dir and ports (after kill9) */
  restart(): Promise<void>;
}

const live = new Set<{ proc: ChildProcess; dir: string }>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const cleanup = (): void => {
    for (const e of live) {
      try {
        if (e.proc.pid && e.proc.exitCode === null) process.kill(e.proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      fs.rmSync(e.dir, { recursive: true, force: true });
    }
    live.clear();
  };
  process.on('exit', cleanup);
  // 'exit' does not run when a signal ends the process: clean up, then die of the signal.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanup();
      process.kill(process.pid, sig);
    });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(endpoint + '/health', { timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('true')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

async function launch(dir: string, clientPort: number, peerPort: number): Promise<{ proc: ChildProcess; dir: string }> {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const proc = spawn(
    process.env.ETCD_BIN ?? '/usr/bin/etcd',
    [
      '--name=test',
      `--data-dir=${path.join(dir, 'data')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=test=${peer}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-outputs=stderr',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const entry = { proc, dir };
  live.add(entry);
  let log = '';
  proc.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  proc.on('error', (e) => (log += String(e)));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`etcd exited (${proc.exitCode ?? proc.signalCode}): ${log}`);
    if (await healthy(client)) return entry;
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  await exited(proc);
  throw new Error(`etcd did not become healthy: ${log}`);
}

export async function startTestEtcd(): Promise<TestEtcd> {
  hookExit();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-etcd-'));
  let entry: { proc: ChildProcess; dir: string } | undefined;
  let clientPort = 0;
  let peerPort = 0;
  // A free port can be taken between probing and etcd binding it: retry with new ones.
  for (let attempt = 0; !entry; attempt++) {
    clientPort = await freePort();
    peerPort = await freePort();
    try {
      entry = await launch(dir, clientPort, peerPort);
    } catch (err) {
      fs.rmSync(path.join(dir, 'data'), { recursive: true, force: true });
      if (attempt >= 2) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  let cur = entry;
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (cur.proc.exitCode === null && cur.proc.signalCode === null) process.kill(cur.proc.pid!, signal);
    const t = setTimeout(() => cur.proc.exitCode === null && cur.proc.signalCode === null && process.kill(cur.proc.pid!, 'SIGKILL'), 10_000);
    await exited(cur.proc);
    clearTimeout(t);
    live.delete(cur);
  };
  return {
    endpoint,
    dataDir: dir,
    get pid() {
      return cur.proc.pid!;
    },
    async stop() {
      await kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
    kill9: () => kill('SIGKILL'),
    async restart() {
      cur = await launch(dir, clientPort, peerPort);
    },
  };
}
