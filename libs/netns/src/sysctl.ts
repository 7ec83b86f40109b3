// Sysctls inside a namespace. net.* sysctls are per network namespace, but /proc/sys shows
// the namespace of the reading process, so they are set with `ip netns exec NS sysctl`.
import { isValidIfname } from './names';
import { execIn } from './netns';

// net.* only. Per-device keys (net.ipv4.conf.<dev>.<leaf>) take any interface name, dots too.
const KEY_RE = /^net\.[a-z0-9_]+(\.[A-Za-z0-9_-]+)+$/;
const DEV_KEY_RE = /^net\.(ipv4|ipv6)\.(conf|neigh)\.(.+)\.([a-z0-9_]+)$/;
const VALUE_RE = /^[0-9]+([ \t][0-9]+)*$/;

/** Checks a sysctl key and value; returns the value as text. */
export function assertSysctl(key: string, value: string | number): string {
  const v = String(value);
  if (!KEY_RE.test(key) && !isValidIfname(DEV_KEY_RE.exec(key)?.[3])) throw new Error(`invalid sysctl key: ${JSON.stringify(key)}`);
  if (!VALUE_RE.test(v)) throw new Error(`invalid sysctl value: ${JSON.stringify(v)}`);
  return v;
}

/** The /proc/sys file of a (checked) key: dots separate, except inside a device name. */
export function sysctlPath(key: string): string {
  const m = DEV_KEY_RE.exec(key);
  return m && !KEY_RE.test(key) ? `/proc/sys/net/${m[1]}/${m[2]}/${m[3]}/${m[4]}` : `/proc/sys/${key.replace(/\./g, '/')}`;
}

/** Sets a net.* sysctl in the named namespace (see own-netns.ts for the caller's own). */
export async function setSysctl(netns: string, key: string, value: string | number): Promise<void> {
  const v = assertSysctl(key, value);
  // sysctl(8) also takes "/" as the separator, which keeps a dotted device name whole
  const name = KEY_RE.test(key) ? key : sysctlPath(key).slice('/proc/sys/'.length);
  await execIn(netns, 'sysctl', ['-q', '-w', `${name}=${v}`]);
}

export async function getSysctl(netns: string, key: string): Promise<string> {
  if (!KEY_RE.test(key)) throw new Error(`invalid sysctl key: ${JSON.stringify(key)}`);
  return (await execIn(netns, 'sysctl', ['-n', key])).stdout.trim();
}

// The ones this project needs, by name.
export const SYSCTL = {
  ipForward: 'net.ipv4.ip_forward',
  routeLocalnet: (dev: string) => `net.ipv4.conf.${dev}.route_localnet`,
  tcpTwReuse: 'net.ipv4.tcp_tw_reuse',
  localPortRange: 'net.ipv4.ip_local_port_range',
  sendRedirects: (dev: string) => `net.ipv4.conf.${dev}.send_redirects`,
  acceptRedirects: (dev: string) => `net.ipv4.conf.${dev}.accept_redirects`,
  allSendRedirects: 'net.ipv4.conf.all.send_redirects',
} as const;
