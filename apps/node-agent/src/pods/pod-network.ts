// The CNI-bridge part: a bridge in the node's network namespace holding the podCIDR's first
// address, and per pod a named netns with eth0 (veth peer on the bridge), its IP and a default route.
// Uses iproute2; the agent's current netns is the node's host namespace.
import { mustRun, runCommand } from './exec-command';

export interface PodNetworkSpec {
  netns: string;
  hostVeth: string;
  ip: string;
  gateway: string;
  bridge: string;
}

async function linkExists(name: string, netns?: string): Promise<boolean> {
  const r = await runCommand('ip', [...(netns ? ['-n', netns] : []), 'link', 'show', 'dev', name]);
  return r.code === 0;
}

export async function netnsExists(name: string): Promise<boolean> {
  return (await runCommand('ip', ['netns', 'exec', name, 'true'])).code === 0;
}

export async function listNetns(): Promise<string[]> {
  const out = await mustRun('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}

export async function setSysctl(key: string, value: string): Promise<void> {
  // /proc/sys/net is per network namespace: this sets it for the node's netns
  await mustRun('sysctl', ['-q', '-w', `${key}=${value}`]);
}

export async function ensureBridge(bridge: string, gatewayCidr: string): Promise<void> {
  if (!(await linkExists(bridge))) await mustRun('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
  await mustRun('ip', ['addr', 'replace', gatewayCidr, 'dev', bridge]);
  await mustRun('ip', ['link', 'set', bridge, 'up']);
  await setSysctl('net.ipv4.ip_forward', '1');
  // Pod-to-pod traffic on one node is routed back out of the bridge it came in on; redirects
  // would tell pods to go direct and bypass the node.
  await setSysctl('net.ipv4.conf.all.send_redirects', '0');
  await setSysctl(`net.ipv4.conf.${bridge}.send_redirects`, '0');
}

export async function setupPodNetwork(s: PodNetworkSpec): Promise<void> {
  if (!(await netnsExists(s.netns))) await mustRun('ip', ['netns', 'add', s.netns]);
  if (!(await linkExists('eth0', s.netns))) {
    // a leftover host veth from a half-done setup would block the name
    if (await linkExists(s.hostVeth)) await mustRun('ip', ['link', 'del', s.hostVeth]);
    await mustRun('ip', ['link', 'add', s.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', s.netns]);
  }
  await mustRun('ip', ['link', 'set', s.hostVeth, 'master', s.bridge]);
  // hairpin: a pod reaching itself through a Service IP gets its packets back on the same port
  await runCommand('ip', ['link', 'set', s.hostVeth, 'type', 'bridge_slave', 'hairpin', 'on']);
  await mustRun('ip', ['link', 'set', s.hostVeth, 'up']);
  await mustRun('ip', ['-n', s.netns, 'link', 'set', 'lo', 'up']);
  // A /32 with an on-link default route sends all pod traffic, also to pods on the same bridge,
  // through the node's IP layer: replies to Service traffic then always meet the conntrack
  // entry that DNATed them, whether or not br_netfilter is loaded on the host.
  await mustRun('ip', ['-n', s.netns, 'addr', 'replace', `${s.ip}/32`, 'dev', 'eth0']);
  await mustRun('ip', ['-n', s.netns, 'link', 'set', 'eth0', 'up']);
  await mustRun('ip', ['-n', s.netns, 'route', 'replace', 'default', 'via', s.gateway, 'dev', 'eth0', 'onlink']);
}

/** SIGKILL every process still inside the netns (a container's stray children): a deleted
 *  pod must leave no process, and a netns with processes would outlive its name */
export async function killNetnsProcesses(netns: string): Promise<number> {
  const r = await runCommand('ip', ['netns', 'pids', netns]);
  if (r.code !== 0) return 0;
  let n = 0;
  for (const pid of r.stdout.split('\n').map(Number).filter((p) => p > 1 && p !== process.pid)) {
    try {
      process.kill(pid, 'SIGKILL');
      n++;
    } catch {
      /* gone */
    }
  }
  return n;
}

export async function teardownPodNetwork(netns: string, hostVeth: string): Promise<void> {
  // deleting the netns destroys eth0 and with it the host end; delete the host end too in case
  // the netns was already gone or something still pins it
  if (hostVeth && (await linkExists(hostVeth))) await runCommand('ip', ['link', 'del', hostVeth]);
  if (netns && (await listNetns()).includes(netns)) {
    await killNetnsProcesses(netns);
    await mustRun('ip', ['netns', 'del', netns]);
  }
}

/** host-side links whose names start with prefix (leftover pod veths) */
export async function listLinks(prefix: string): Promise<string[]> {
  const out = await mustRun('ip', ['-o', 'link', 'show']);
  return out
    .split('\n')
    .map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n && n.startsWith(prefix));
}

/** routes to other nodes' pod CIDRs via their InternalIP */
export async function replaceRoute(cidr: string, via: string): Promise<void> {
  await mustRun('ip', ['route', 'replace', cidr, 'via', via]);
}

export async function deleteRoute(cidr: string): Promise<void> {
  await runCommand('ip', ['route', 'del', cidr]);
}
