// A private containerd daemon: spawned (optionally inside a node's network namespace, so
// CNI-created pod networks and the streaming server live in that node), considered ready
// once the CRI Version rpc answers on its socket. Stopping it leaves containers running:
// their shims outlive containerd and a restarted containerd reconnects to them, as on a
// real node.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { CriClient } from '@svcnet/cri-client';

export interface StartContainerdOptions {
  configPath: string;
  /** Must equal [grpc].address in the config. */
  socket: string;
  /** Run inside this network namespace (e.g. /run/netns/node-1) via `nsenter --net=`. */
  netnsPath?: string;
  /** containerd's stdout+stderr are appended here. */
  logFile: string;
  /** Default 20 s. */
  readyTimeoutMs?: number;
  /** containerd binary. Default "containerd" from PATH. */
  binary?: string;
}

export function containerdArgv(o: Pick<StartContainerdOptions, 'configPath' | 'netnsPath' | 'binary'>): string[] {
  const ctd = [o.binary ?? 'containerd', '--config', o.configPath];
  // nsenter execs containerd after setns, so the child's pid is containerd's own.
  return o.netnsPath ? ['nsenter', `--net=${o.netnsPath}`, '--', ...ctd] : ctd;
}

function tail(file: string, bytes = 4000): string {
  try {
    const b = fs.readFileSync(file);
    return b.subarray(Math.max(0, b.length - bytes)).toString();
  } catch {
    // no log file: there is no tail to add to the error
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ContainerdProcess {
  private exitPromise: Promise<void>;
  exited = false;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;

  constructor(
    readonly child: ChildProcess,
    readonly options: StartContainerdOptions,
  ) {
    this.exitPromise = new Promise((resolve) => {
      // A failed spawn (ENOENT) emits 'error' and never 'exit'.
      child.once('error', () => {
        if (child.pid === undefined) {
          this.exited = true;
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get socket(): string {
    return this.options.socket;
  }

  /** Resolves when the process has exited (for whatever reason). */
  wait(): Promise<void> {
    return this.exitPromise;
  }

  /** SIGTERM, then SIGKILL after graceMs. Idempotent. Containers (shims) keep running. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!this.exited) this.child.kill('SIGKILL');
    }, graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }
}

export async function startContainerd(o: StartContainerdOptions): Promise<ContainerdProcess> {
  const argv = containerdArgv(o);
  // Remove a stale socket from a crashed run so readiness is not judged by an old file.
  fs.rmSync(o.socket, { force: true });
  const log = fs.openSync(o.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', log, log] });
  } finally {
    fs.closeSync(log); // the child holds its own copy
  }
  const proc = new ContainerdProcess(child, o);
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  const deadline = Date.now() + (o.readyTimeoutMs ?? 20_000);
  const cri = new CriClient({ endpoint: o.socket, callTimeoutMs: 1000 });
  try {
    for (;;) {
      if (spawnError) throw new Error(`cannot start ${argv.join(' ')}: ${spawnError.message}`);
      if (proc.exited) {
        throw new Error(`containerd exited during startup (code ${proc.exitCode}, signal ${proc.exitSignal}); log ${o.logFile}:\n${tail(o.logFile)}`);
      }
      // containerd keeps serving when a plugin fails; without CRI it would never be ready.
      const criFailure = /level=\w+ msg="failed to load plugin io\.containerd\.grpc\.v1\.cri" error="(.*)"/.exec(tail(o.logFile, 64_000));
      if (criFailure) throw new Error(`containerd started without its CRI plugin: ${criFailure[1]} (log ${o.logFile})`);
      if (fs.existsSync(o.socket)) {
        try {
          await cri.version();
          return proc;
        } catch {
          // socket exists before the CRI plugin is serving; retry
        }
      }
      if (Date.now() > deadline) {
        await proc.stop(1000);
        throw new Error(`containerd not ready on ${o.socket} within ${o.readyTimeoutMs ?? 20_000} ms; log ${o.logFile}:\n${tail(o.logFile)}`);
      }
      await sleep(50);
    }
  } catch (e) {
    await proc.stop(1000);
    throw e;
  } finally {
    cri.close();
  }
}
