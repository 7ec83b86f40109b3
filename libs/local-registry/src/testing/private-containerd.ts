// A containerd of the test's own (root, state, socket under a temp dir, CRI plugin off), so tests
// never touch the machine's containerd. dispose() kills the tasks it ran, stops containerd,
// unmounts what is left under its dir and removes the dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type RunOptions, type RunResult } from '@svcnet/netns';

export function renderContainerdConfig(dir: string): string {
  const q = JSON.stringify;
  return [
    'version = 2',
    `root = ${q(join(dir, 'root'))}`,
    `state = ${q(join(dir, 'state'))}`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = ${q(join(dir, 'containerd.sock'))}`,
    '[ttrpc]',
    `  address = ${q(join(dir, 'containerd.sock.ttrpc'))}`,
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(join(dir, 'opt'))}`,
    '',
  ].join('\n');
}

export class PrivateContainerd {
  readonly namespace = 'svcnet-test';
  private constructor(
    readonly dir: string,
    readonly socket: string,
    private readonly proc: ChildProcess,
  ) {}

  static async start(): Promise<PrivateContainerd> {
    const dir = mkdtempSync('/tmp/svcnet-containerd-test-');
    const config = join(dir, 'config.toml');
    writeFileSync(config, renderContainerdConfig(dir));
    const proc = spawn('containerd', ['--config', config, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
    const c = new PrivateContainerd(dir, join(dir, 'containerd.sock'), proc);
    const deadline = Date.now() + 15_000;
    while ((await c.ctr(['version'], { allowFailure: true })).code !== 0) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        await c.dispose();
        throw new Error(`private containerd did not start: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return c;
  }

  ctrArgs(args: string[]): string[] {
    return ['-a', this.socket, '-n', this.namespace, ...args];
  }

  ctr(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return run('ctr', this.ctrArgs(args), { timeoutMs: 120_000, ...opts });
  }

  /** removes a container and its task, whatever state they are in */
  async remove(id: string): Promise<void> {
    await this.ctr(['task', 'kill', '-s', 'SIGKILL', id], { allowFailure: true });
    for (let i = 0; i < 50; i++) {
      const r = await this.ctr(['task', 'delete', id], { allowFailure: true });
      if (r.code === 0 || /not found/.test(r.stderr)) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    await this.ctr(['container', 'delete', id], { allowFailure: true });
  }

  async dispose(): Promise<void> {
    const ls = await this.ctr(['container', 'ls', '-q'], { allowFailure: true });
    for (const id of ls.stdout.split('\n').filter(Boolean)) await this.remove(id);
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      const killer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    // overlay snapshots or rootfs mounts left behind by a failure
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((m) => m && m.startsWith(this.dir + '/'))
      .reverse();
    for (const m of mounts) await run('umount', ['-l', m], { allowFailure: true });
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}
