// Test fixture: a throwaway "node" network namespace with a random name and a PodRuntime
// driver inside it. Everything it creates is removed by cleanup(), also after failures.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function sh(cmd: string, args: string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 15000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (opts.allowFail) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr || err.message}`);
  }
}

export class RuntimeDriver {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  constructor(readonly child: ChildProcess) {
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('driver exited'));
      this.pending.clear();
    });
  }
  call<T = unknown>(op: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, args });
    });
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.call('shutdown').catch(() => undefined);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export class NodeNetnsFixture {
  readonly suffix = randomBytes(3).toString('hex');
  readonly nodeNs = `svt-node-${this.suffix}`;
  /** pod netns prefix for this test run, so cleanup only touches what this test made */
  readonly podNsPrefix = `svt${this.suffix}-`;
  readonly stateDir = `/var/tmp/svcnet-test-${this.suffix}`;
  private drivers: RuntimeDriver[] = [];

  setup(): void {
    sh('ip', ['netns', 'add', this.nodeNs]);
    sh('ip', ['-n', this.nodeNs, 'link', 'set', 'lo', 'up']);
  }

  startDriver(): RuntimeDriver {
    const script = path.join(__dirname, 'runtime-driver.js');
    // nsenter only the netns: pod netns created by the runtime must be visible in /run/netns
    const child = spawn('nsenter', [`--net=/run/netns/${this.nodeNs}`, '--', process.execPath, script], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child.stderr!.on('data', (d) => {
      if (process.env.SVCNET_TEST_VERBOSE) process.stderr.write(d);
    });
    const d = new RuntimeDriver(child);
    this.drivers.push(d);
    return d;
  }

  /** run a command in the node netns */
  inNode(cmd: string, args: string[], opts?: { allowFail?: boolean; timeoutMs?: number }): string {
    return sh('ip', ['netns', 'exec', this.nodeNs, cmd, ...args], opts);
  }

  podNetnsList(): string[] {
    return sh('ip', ['netns', 'list'])
      .split('\n')
      .map((l) => l.split(' ')[0])
      .filter((n) => n.startsWith(this.podNsPrefix));
  }

  async cleanup(): Promise<void> {
    for (const d of this.drivers) await d.stop().catch(() => undefined);
    // kill what is still running in our pod netns (only ours: found by netns, by pid)
    for (const ns of this.podNetnsList()) {
      for (const pid of sh('ip', ['netns', 'pids', ns], { allowFail: true }).split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      sh('ip', ['netns', 'del', ns], { allowFail: true });
    }
    for (const pid of sh('ip', ['netns', 'pids', this.nodeNs], { allowFail: true }).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    sh('ip', ['netns', 'del', this.nodeNs], { allowFail: true });
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}

type Falsy = undefined | null | false | '' | 0;

export async function eventually<T>(what: string, fn: () => T | Falsy | Promise<T | Falsy>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as T;
      last = v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}
