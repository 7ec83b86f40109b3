// Teardown of what a private containerd leaves behind on the host: shim processes (they
// outlive containerd by design), overlay/shm/netns mounts under its root and state dirs.
// Used by tests and by the node-agent's "remove node" path; only touches processes whose
// command line names the given containerd socket and mounts under the given directories.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '@svcnet/netns';

export interface ProcInfo {
  pid: number;
  argv: string[];
}

/** Shims of one containerd: `containerd-shim-runc-v2 -namespace k8s.io -id X -address <socket>`. */
export function shimsOf(procs: ProcInfo[], socket: string): number[] {
  return procs
    .filter((p) => p.argv.length > 0 && path.basename(p.argv[0]).startsWith('containerd-shim'))
    .filter((p) => {
      const i = p.argv.indexOf('-address');
      return i >= 0 && p.argv[i + 1] === socket;
    })
    .map((p) => p.pid);
}

export function listProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const raw = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      out.push({ pid: Number(name), argv: raw.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1) });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/**
 * SIGKILLs the shims of the containerd at `socket`. Containers do not die with their shim
 * (they are reparented), so call killRuncContainers first.
 */
export async function killShims(socket: string, waitMs = 5000): Promise<number[]> {
  const pids = shimsOf(listProcs(), socket);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && pids.some((p) => fs.existsSync(`/proc/${p}`))) await new Promise((r) => setTimeout(r, 50));
  return pids;
}

/**
 * Force-deletes every runc container under a runc root as the runc v2 shim lays it out
 * (`<Root>/<containerd namespace>/<id>`): kills its processes and removes its cgroup.
 */
export async function killRuncContainers(runcRoot: string): Promise<string[]> {
  const killed: string[] = [];
  if (!fs.existsSync(runcRoot)) return killed;
  for (const ns of fs.readdirSync(runcRoot)) {
    const root = path.join(runcRoot, ns);
    if (!fs.statSync(root).isDirectory()) continue;
    for (const id of fs.readdirSync(root)) {
      const r = await run('runc', ['--root', root, 'delete', '--force', id], { allowFailure: true, timeoutMs: 10_000 });
      if (r.code === 0) killed.push(id);
    }
  }
  return killed;
}

/** Mount points at or under dir, deepest first (from a mountinfo text). */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const base = path.resolve(dir);
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
  const points = mountinfo
    .split('\n')
    .filter(Boolean)
    .map((l) => unescape(l.split(' ')[4]))
    .filter((p) => p === base || p.startsWith(base + '/'));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Lazily unmounts everything under each dir (overlay rootfs, sandbox shm, netns binds). */
export async function unmountUnder(...dirs: string[]): Promise<string[]> {
  const done: string[] = [];
  for (const dir of dirs) {
    for (const p of mountsUnder(fs.readFileSync('/proc/self/mountinfo', 'utf8'), dir)) {
      const r = await run('umount', ['-l', p], { allowFailure: true });
      if (r.code === 0) done.push(p);
    }
  }
  return done;
}
