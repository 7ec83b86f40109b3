// iproute2 operations for the plugin. Node side: the plugin's own netns (containerd runs it in
// the node's), so plain `ip`; pod side: `nsenter --net=<CNI_NETNS>` because CNI_NETNS is a path
// (/var/run/netns/cni-..., /proc/<pid>/ns/net), not a name `ip -n` understands.
import { existsSync } from 'node:fs';
import { SYSCTL, assertIfname, run, setOwnSysctl, type RunResult } from '@svcnet/netns';

const TIMEOUT_MS = 15_000;

function ipNode(args: string[], allowFailure = false): Promise<RunResult> {
  return run('ip', args, { timeoutMs: TIMEOUT_MS, allowFailure });
}

function ipPod(netns: string, args: string[], allowFailure = false): Promise<RunResult> {
  return run('nsenter', [`--net=${netns}`, '--', 'ip', ...args], { timeoutMs: TIMEOUT_MS, allowFailure });
}

export interface LinkInfo {
  name: string;
  mac: string;
  kind?: string;
  master?: string;
  hairpin?: boolean;
  up: boolean;
  mtu: number;
}

function parseLink(r: RunResult): LinkInfo | undefined {
  if (r.code !== 0) return undefined;
  const l = (JSON.parse(r.stdout) as Record<string, any>[])[0];
  if (!l) return undefined;
  return {
    name: l.ifname,
    mac: l.address ?? '',
    kind: l.linkinfo?.info_kind,
    master: l.master,
    hairpin: l.linkinfo?.info_slave_data?.hairpin,
    up: Array.isArray(l.flags) && l.flags.includes('UP'),
    mtu: l.mtu,
  };
}

/** a link in the node netns, or in the pod netns when given */
export async function linkInfo(name: string, podNetns?: string): Promise<LinkInfo | undefined> {
  const args = ['-j', '-d', 'link', 'show', 'dev', assertIfname(name)];
  return parseLink(podNetns ? await ipPod(podNetns, args, true) : await ipNode(args, true));
}

/** true if the path is a netns we can enter; on DEL it may be gone or an unmounted leftover file */
export async function netnsUsable(path: string): Promise<boolean> {
  if (!path || !existsSync(path)) return false;
  return (await run('nsenter', [`--net=${path}`, '--', 'true'], { timeoutMs: TIMEOUT_MS, allowFailure: true })).code === 0;
}

export async function ensureBridge(bridge: string, gatewayCidr: string, mtu?: number): Promise<void> {
  let info = await linkInfo(bridge);
  if (!info) {
    // a concurrent ADD may win the race to create it; only a still-missing bridge is an error
    const r = await ipNode(['link', 'add', 'name', assertIfname(bridge), ...(mtu ? ['mtu', String(mtu)] : []), 'type', 'bridge'], true);
    info = await linkInfo(bridge);
    if (!info) throw new Error(`creating bridge ${bridge}: ${r.stderr.trim()}`);
  }
  if (info.kind !== 'bridge') throw new Error(`${bridge} exists but is a ${info.kind ?? 'plain'} link, not a bridge`);
  await ipNode(['addr', 'replace', gatewayCidr, 'dev', bridge]);
  if (!info.up) await ipNode(['link', 'set', bridge, 'up']);
}

/** /proc/sys/net is the netns of the process that opens it: these land in the node netns */
export function setNodeSysctls(bridge: string): void {
  setOwnSysctl(SYSCTL.ipForward, 1);
  // pod-to-pod traffic leaves the bridge it came in on; a redirect would let pods bypass the
  // node's IP layer (and its DNAT/conntrack)
  setOwnSysctl(SYSCTL.allSendRedirects, 0);
  setOwnSysctl(SYSCTL.sendRedirects(assertIfname(bridge)), 0);
}

/** eth0 is born inside the pod netns and its peer directly in ours (by our pid), so neither end
 *  is ever visible under the wrong name in the wrong namespace */
export async function createVeth(podNetns: string, ifname: string, hostVeth: string, mtu?: number): Promise<void> {
  const m = mtu ? ['mtu', String(mtu)] : [];
  await ipPod(podNetns, ['link', 'add', assertIfname(ifname), ...m, 'type', 'veth', 'peer', 'name', assertIfname(hostVeth), ...m, 'netns', String(process.pid)]);
}

export async function attachHostVeth(hostVeth: string, bridge: string, hairpin: boolean): Promise<void> {
  await ipNode(['link', 'set', 'dev', assertIfname(hostVeth), 'master', assertIfname(bridge)]);
  // hairpin: with br_netfilter, a pod reaching itself via a Service IP gets packets back on its own port
  await ipNode(['link', 'set', 'dev', hostVeth, 'type', 'bridge_slave', 'hairpin', hairpin ? 'on' : 'off']);
  await ipNode(['link', 'set', 'dev', hostVeth, 'up']);
}

/** /32 plus an on-link default route: all pod traffic, also to pods on this bridge, is routed
 *  by the node, where nftables DNAT and conntrack see both directions */
export async function configurePod(podNetns: string, ifname: string, ip: string, gateway: string): Promise<void> {
  assertIfname(ifname);
  await ipPod(podNetns, ['link', 'set', 'dev', 'lo', 'up']);
  await ipPod(podNetns, ['addr', 'replace', `${ip}/32`, 'dev', ifname]);
  await ipPod(podNetns, ['link', 'set', 'dev', ifname, 'up']);
  await ipPod(podNetns, ['route', 'replace', 'default', 'via', gateway, 'dev', ifname, 'onlink']);
}

export interface PodAddressing {
  addresses: string[]; // "ip/prefix"
  defaultVia?: string;
  defaultDev?: string;
  onlink: boolean;
}

export async function podAddressing(podNetns: string, ifname: string): Promise<PodAddressing> {
  const a = JSON.parse((await ipPod(podNetns, ['-j', 'addr', 'show', 'dev', ifname])).stdout) as { addr_info?: { family: string; local: string; prefixlen: number }[] }[];
  const addresses = (a[0]?.addr_info ?? []).filter((x) => x.family === 'inet').map((x) => `${x.local}/${x.prefixlen}`);
  const r = JSON.parse((await ipPod(podNetns, ['-j', '-4', 'route', 'show', 'default'])).stdout) as { gateway?: string; dev?: string; flags?: string[] }[];
  return { addresses, defaultVia: r[0]?.gateway, defaultDev: r[0]?.dev, onlink: !!r[0]?.flags?.includes('onlink') };
}

/** idempotent: a missing link is fine */
export async function deleteLink(name: string, podNetns?: string): Promise<void> {
  const args = ['link', 'del', 'dev', assertIfname(name)];
  const r = podNetns ? await ipPod(podNetns, args, true) : await ipNode(args, true);
  if (r.code !== 0 && !/Cannot find device|does not exist/.test(r.stderr)) throw new Error(`ip link del ${name}: ${r.stderr.trim()}`);
}
