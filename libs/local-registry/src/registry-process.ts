// startRegistry: run docker-registry (Debian's distribution v2) with a generated config, optionally
// inside a network namespace, and resolve once GET /v2/ answers 200 there.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { run } from '@svcnet/netns';
import { inNetns } from './netns-command';
import { renderRegistryConfig } from './registry-config';

export interface StartRegistryOptions {
  listen: string; // host:port
  storageDir: string;
  configPath: string; // written here
  logFile: string; // the registry's stdout and stderr, appended
  netnsPath?: string; // run inside via nsenter --net=
  readyTimeoutMs?: number; // default 15 s
  registryBin?: string; // default docker-registry
}

export interface RegistryHandle {
  pid: number;
  stop(): Promise<void>;
}

export async function startRegistry(opts: StartRegistryOptions): Promise<RegistryHandle> {
  mkdirSync(opts.storageDir, { recursive: true });
  mkdirSync(dirname(opts.configPath), { recursive: true });
  mkdirSync(dirname(opts.logFile), { recursive: true });
  writeFileSync(opts.configPath, renderRegistryConfig({ listen: opts.listen, storageDir: opts.storageDir }));
  const [cmd, args] = inNetns(opts.netnsPath, opts.registryBin ?? 'docker-registry', ['serve', opts.configPath]);
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `exit ${code}`;
      resolve();
    });
    child.once('error', (e) => {
      exited = e.message;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(killer);
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  const url = `http://${opts.listen}/v2/`;
  for (;;) {
    if (exited !== undefined) throw new Error(`docker-registry exited (${exited}) before answering ${url}: ${logTail(opts.logFile)}`);
    if ((await httpStatus(url, opts.netnsPath)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer ${url} within ${opts.readyTimeoutMs ?? 15_000} ms: ${logTail(opts.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid!, stop };
}

async function httpStatus(url: string, netnsPath?: string): Promise<number> {
  const [cmd, args] = inNetns(netnsPath, 'curl', ['-s', '-o', '/dev/null', '--max-time', '2', '-w', '%{http_code}', url]);
  const r = await run(cmd, args, { allowFailure: true, timeoutMs: 5000 });
  return Number(r.stdout.trim()) || 0;
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}
