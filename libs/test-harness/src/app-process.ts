// Starts an svcnet app as a real child process for tests, waits until it says it is ready
// (a JSON line with "ready": true on stdout), and stops it by pid — also kill -9 for crash tests.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { findReadyLine } from '@svcnet/observability';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface AppProcess {
  proc: ChildProcess;
  ready: Record<string, unknown>;
  /** everything the app logged so far (stderr), for failure messages */
  logs(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartAppOptions {
  /** e.g. "apiserver" -> apps/apiserver/dist/main.js */
  app: string;
  args: string[];
  /** wrap the command, e.g. ['ip', 'netns', 'exec', 'node1'] */
  prefix?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** when the app prints no ready line: resolve once this returns true */
  readyWhen?: (logs: string) => boolean;
}

export function startApp(opts: StartAppOptions): Promise<AppProcess> {
  const main = path.join(REPO_ROOT, 'apps', opts.app, 'dist', 'main.js');
  const argv = [...(opts.prefix ?? []), process.execPath, main, ...opts.args];
  const proc = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  proc.stderr!.on('data', (d) => {
    stderr += d.toString();
    if (stderr.length > 2_000_000) stderr = stderr.slice(-1_000_000);
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const handle = (ready: Record<string, unknown>): AppProcess => ({
    proc,
    ready,
    logs: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${opts.app} did not get ready in time; logs:\n${stderr.slice(-4000)}`));
    }, opts.readyTimeoutMs ?? 20_000);
    const check = () => {
      if (opts.readyWhen?.(stderr)) {
        clearTimeout(timer);
        resolve(handle({}));
      }
    };
    proc.stderr!.on('data', check);
    proc.stdout!.on('data', (d) => {
      stdout += d.toString();
      const ready = findReadyLine(stdout);
      if (ready) {
        clearTimeout(timer);
        resolve(handle(ready));
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.app} exited with ${code} before it was ready; logs:\n${stderr.slice(-4000)}`));
    });
  });
}
