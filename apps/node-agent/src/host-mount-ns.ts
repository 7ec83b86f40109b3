// Pod netns are named by bind mounts in /run/netns. An agent started with `ip netns exec <node>`
// runs in a private mount namespace whose mounts never reach the host, so its pods would be
// invisible to `ip netns` elsewhere and lost on restart. Such an agent re-executes itself in the
// host's mount namespace (keeping its network namespace) with nsenter.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

const MARK = 'SVCNET_NODE_AGENT_IN_HOST_MNTNS';

function mountNs(pid: string): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

export function needsHostMountNamespace(): boolean {
  if (process.env[MARK]) return false;
  const self = mountNs('self');
  const init = mountNs('1');
  return !!self && !!init && self !== init;
}

/** run this same command in pid 1's mount namespace and mirror its exit; never returns */
export function reexecInHostMountNamespace(): void {
  const child = spawn('nsenter', ['--mount=/proc/1/ns/mnt', '--', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [MARK]: '1' },
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1)));
}
