// Pod netns are named by bind mounts in /run/netns. An agent started with `ip netns exec <node>`
// runs in a private mount namespace where /run/netns is a *slave* of the launcher's: mounts made
// there never reach the launcher, so its pods would be invisible to `ip netns` and lost on a
// restart. Such an agent re-executes itself (keeping its network namespace) in the mount
// namespace that holds the shared peer of its /run/netns, found through /proc/*/mountinfo.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

const MARK = 'SVCNET_NODE_AGENT_MNTNS_CHECKED';
const NETNS_DIR = '/run/netns';

export interface Propagation {
  shared?: string;
  master?: string;
}

/** propagation peer groups of the mount at `mountPoint` in a /proc/<pid>/mountinfo text */
export function mountPropagation(mountinfo: string, mountPoint: string): Propagation | undefined {
  let found: Propagation | undefined;
  for (const line of mountinfo.split('\n')) {
    const [left] = line.split(' - ');
    const f = left.split(' ');
    if (f[4] !== mountPoint) continue;
    const p: Propagation = {};
    for (const opt of f.slice(6)) {
      const m = /^(shared|master):(\d+)$/.exec(opt);
      if (m) p[m[1] as 'shared' | 'master'] = m[2];
    }
    found = p; // the last mount on a path is the visible one
  }
  return found;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    // missing file: the caller treats undefined as "not there"
    return undefined;
  }
}

/** a pid whose mount namespace has /run/netns in shared peer group `group` */
export function findSharedPeer(group: string): number | undefined {
  const self = fs.readlinkSync('/proc/self/ns/mnt');
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let ns: string;
    try {
      ns = fs.readlinkSync(`/proc/${d}/ns/mnt`);
    } catch {
      // the process exited while /proc was listed, or is not ours to inspect
      continue;
    }
    if (ns === self) continue;
    const info = read(`/proc/${d}/mountinfo`);
    if (info && mountPropagation(info, NETNS_DIR)?.shared === group) return Number(d);
  }
  return undefined;
}

/** the pid to re-exec into, undefined when this mount namespace is fine */
export function hostMountNamespacePid(): number | undefined {
  if (process.env[MARK]) return undefined;
  const p = mountPropagation(read('/proc/self/mountinfo') ?? '', NETNS_DIR);
  if (!p || p.shared || !p.master) return undefined;
  const peer = findSharedPeer(p.master);
  if (!peer) {
    throw new Error(`${NETNS_DIR} is a slave mount here (started with "ip netns exec"?) and no process holds its shared peer: start the agent with "nsenter --net=/run/netns/<node-netns> node main.js"`);
  }
  return peer;
}

/** run this same command in that pid's mount namespace and mirror its exit */
export function reexecInMountNamespaceOf(pid: number): void {
  const child = spawn('nsenter', [`--mount=/proc/${pid}/ns/mnt`, '--', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [MARK]: '1' },
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1)));
}
