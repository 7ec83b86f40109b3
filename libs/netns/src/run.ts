// run: spawn a program with argv (no shell), collect its output, reject on a non-zero exit
// with the program's stderr in the message.
import { spawn, type SpawnOptions } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  // Resolve with the result instead of rejecting on a non-zero exit.
  allowFailure?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Like run with allowFailure, and a program that cannot be started at all (missing binary)
 * is a result too: exit code 127 with the error as stderr. Never rejects.
 */
export async function tryRun(cmd: string, args: string[], opts: Omit<RunOptions, 'allowFailure'> = {}): Promise<RunResult> {
  try {
    return await run(cmd, args, { ...opts, allowFailure: true });
  } catch (e) {
    return { code: 127, stdout: '', stderr: (e as Error).message };
  }
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env };
    const child = spawn(cmd, args, spawnOpts);
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const r = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (r.code !== 0 && !opts.allowFailure) {
        reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${r.code}${signal ? `, ${signal}` : ''}): ${stderr.trim()}`));
      } else resolve(r);
    });
    // the program may exit before reading all of its input (EPIPE): its exit status tells
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input ?? '');
  });
}
