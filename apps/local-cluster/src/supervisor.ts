// Starts the cluster's processes with their logs in files, waits for each one's ready line,
// and stops exactly the processes it started, by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findReadyLine } from '@svcnet/observability';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  ready: Record<string, unknown>;
}

export interface StartSpec {
  name: string;
  argv: string[];
  readyTimeoutMs?: number;
}

export class Supervisor {
  readonly procs: ManagedProcess[] = [];
  private stopping = false;

  constructor(
    private readonly logDir: string,
    private readonly onExit: (p: ManagedProcess, code: number | null) => void,
  ) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  start(spec: StartSpec): Promise<ManagedProcess> {
    const logFile = path.join(this.logDir, `${spec.name}.log`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(spec.argv[0], spec.argv.slice(1), { stdio: ['ignore', 'pipe', out], detached: false });
    fs.closeSync(out);
    return new Promise((resolve, reject) => {
      let buf = '';
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        child.kill('SIGKILL');
        reject(new Error(`${spec.name} did not get ready in ${(spec.readyTimeoutMs ?? 30000) / 1000}s; see ${logFile}`));
      }, spec.readyTimeoutMs ?? 30000);
      child.stdout!.on('data', (d: Buffer) => {
        fs.appendFileSync(logFile, d);
        if (done) return;
        buf += d.toString();
        const ready = findReadyLine(buf);
        if (ready) {
          done = true;
          clearTimeout(timer);
          const p: ManagedProcess = { name: spec.name, pid: child.pid!, logFile, child, ready };
          this.procs.push(p);
          resolve(p);
        }
      });
      child.on('exit', (code) => {
        if (!done) {
          done = true;
          clearTimeout(timer);
          reject(new Error(`${spec.name} exited with ${code} before it was ready; see ${logFile}`));
          return;
        }
        const p = this.procs.find((x) => x.child === child);
        if (p && !this.stopping) this.onExit(p, code);
      });
    });
  }

  /** Stops in reverse start order: SIGTERM, then SIGKILL after a grace period. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    for (const p of [...this.procs].reverse()) await stopPid(p.pid, graceMs, p.child);
  }
}

export async function stopPid(pid: number, graceMs: number, child?: ChildProcess): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // ESRCH: it exited between the alive() check and the signal
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  if (child && child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie child still answers signal 0; check its state.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    // ESRCH/EPERM or no /proc entry: not a live process of ours
    return false;
  }
}
