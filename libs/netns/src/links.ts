// Links, addresses and routes, always addressed with `ip -n NS` so nothing is created in the
// caller's own namespace by accident.
import { assertCidr, assertIPv4, assertLinkName, assertNetnsName } from './names';
import { run } from './run';

const ipn = (ns: string, args: string[]) => run('ip', ['-n', assertNetnsName(ns), ...args]);

export interface VethOptions {
  // Namespace and name of the first end.
  netns: string;
  name: string;
  // Namespace and name of the peer (created directly there, never in the root namespace).
  peerNetns: string;
  peerName: string;
}

export async function addVethPair(o: VethOptions): Promise<void> {
  await ipn(o.netns, ['link', 'add', assertLinkName(o.name), 'type', 'veth', 'peer', 'name', assertLinkName(o.peerName), 'netns', assertNetnsName(o.peerNetns)]);
}

export async function addBridge(netns: string, name: string): Promise<void> {
  await ipn(netns, ['link', 'add', assertLinkName(name), 'type', 'bridge']);
}

export async function setMaster(netns: string, link: string, bridge: string): Promise<void> {
  await ipn(netns, ['link', 'set', assertLinkName(link), 'master', assertLinkName(bridge)]);
}

export async function linkUp(netns: string, link: string): Promise<void> {
  await ipn(netns, ['link', 'set', assertLinkName(link), 'up']);
}

export async function deleteLink(netns: string, link: string): Promise<void> {
  const r = await run('ip', ['-n', assertNetnsName(netns), 'link', 'del', assertLinkName(link)], { allowFailure: true });
  if (r.code !== 0 && !/Cannot find device/.test(r.stderr)) throw new Error(`ip link del ${link}: ${r.stderr.trim()}`);
}

export async function addAddress(netns: string, link: string, cidr: string): Promise<void> {
  await ipn(netns, ['addr', 'add', assertCidr(cidr), 'dev', assertLinkName(link)]);
}

export interface RouteOptions {
  // "default" or a CIDR / address.
  to: string;
  via?: string;
  dev?: string;
  // Gateway reachable on the link even though no prefix covers it (pods with /32 addresses).
  onlink?: boolean;
  scopeLink?: boolean;
}

export async function addRoute(netns: string, r: RouteOptions): Promise<void> {
  const args = ['route', 'replace', r.to === 'default' ? 'default' : r.to.includes('/') ? assertCidr(r.to) : assertIPv4(r.to)];
  if (r.via) args.push('via', assertIPv4(r.via));
  if (r.dev) args.push('dev', assertLinkName(r.dev));
  if (r.scopeLink) args.push('scope', 'link');
  if (r.onlink) args.push('onlink');
  await ipn(netns, args);
}

// Hairpin mode lets the bridge send a frame back out the port it came in on. Needed where
// br_netfilter is active: a pod's packet to its own Service is DNATed at the bridge layer and
// must return through the same port (kubelet's hairpin-veth mode does the same).
export async function setHairpin(netns: string, link: string, on = true): Promise<void> {
  await ipn(netns, ['link', 'set', assertLinkName(link), 'type', 'bridge_slave', 'hairpin', on ? 'on' : 'off']);
}
