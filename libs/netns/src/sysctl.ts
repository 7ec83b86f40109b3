// Sysctls inside a namespace. net.* sysctls are per network namespace, but /proc/sys shows
// the namespace of the reading process, so they are set with `ip netns exec NS sysctl`.
import { execIn } from './netns';

const KEY_RE = /^net\.[a-z0-9_]+(\.[a-z0-9_-]+)+$/;
const VALUE_RE = /^[0-9]+([ \t][0-9]+)*$/;

export async function setSysctl(netns: string, key: string, value: string | number): Promise<void> {
  const v = String(value);
  if (!KEY_RE.test(key)) throw new Error(`invalid sysctl key: ${JSON.stringify(key)}`);
  if (!VALUE_RE.test(v)) throw new Error(`invalid sysctl value: ${JSON.stringify(v)}`);
  await execIn(netns, 'sysctl', ['-q', '-w', `${key}=${v}`]);
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
} as const;
