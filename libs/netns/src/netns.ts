// Network namespaces: create, delete (idempotent), exists, and run programs inside one with
// `ip netns exec`, which also bind-mounts /etc/netns/<name>/* the way pods expect.
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { assertNetnsName } from './names';
import { run, tryRun, type RunOptions, type RunResult } from './run';

export function netnsExists(name: string): boolean {
  return existsSync(`/run/netns/${assertNetnsName(name)}`);
}

/** Names of the named network namespaces (`ip netns list`); none when ip cannot list them. */
export async function listNetns(): Promise<string[]> {
  const r = await tryRun('ip', ['netns', 'list']);
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter(Boolean);
}

/** Pids of the processes in a namespace (`ip netns pids`); none when it is gone. */
export async function netnsPids(name: string): Promise<number[]> {
  const r = await tryRun('ip', ['netns', 'pids', assertNetnsName(name)]);
  if (r.code !== 0) return [];
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

export async function createNetns(name: string): Promise<void> {
  await run('ip', ['netns', 'add', assertNetnsName(name)]);
  // A new namespace has lo down; almost everything expects it up.
  await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

// Deleting a namespace also destroys its veth ends (and so their peers elsewhere).
export async function deleteNetns(name: string): Promise<void> {
  if (!netnsExists(name)) return;
  const r = await run('ip', ['netns', 'del', assertNetnsName(name)], { allowFailure: true });
  if (r.code !== 0 && netnsExists(name)) throw new Error(`ip netns del ${name}: ${r.stderr.trim()}`);
}

export function execIn(netns: string, cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run('ip', ['netns', 'exec', assertNetnsName(netns), cmd, ...args], opts);
}

// spawnIn starts a long-running process in the namespace; the caller owns and ends it.
export function spawnIn(netns: string, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', assertNetnsName(netns), cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}
