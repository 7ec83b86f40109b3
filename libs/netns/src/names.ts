// Validation of everything that becomes an argument of `ip` or `sysctl`. Arguments are passed
// as argv (never through a shell), and still checked so a bad name fails loudly here.
import { isIPv4, parseIPv4Prefix } from '@svcnet/ipnet';

const NETNS_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
// IFNAMSIZ is 16 including the NUL.
const LINK_RE = /^[a-z0-9][a-z0-9-]{0,14}$/;

export function assertNetnsName(name: string): string {
  if (typeof name !== 'string' || !NETNS_RE.test(name)) throw new Error(`invalid netns name: ${JSON.stringify(name)}`);
  return name;
}

export function assertLinkName(name: string): string {
  if (typeof name !== 'string' || !LINK_RE.test(name)) throw new Error(`invalid link name (a-z0-9-, max 15): ${JSON.stringify(name)}`);
  return name;
}

/**
 * An interface name the kernel accepts (dev_valid_name): 1..15 bytes, not "." or "..", no "/",
 * ":" or white space. For names others choose (CNI_IFNAME, a configured bridge, --interface);
 * names svcnet makes itself follow the stricter assertLinkName.
 */
export function isValidIfname(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 15 && name !== '.' && name !== '..' && !/[/:\s]/.test(name);
}

export function assertIfname(name: string): string {
  if (!isValidIfname(name)) throw new Error(`invalid interface name: ${JSON.stringify(name)}`);
  return name;
}

export function assertIPv4(ip: string): string {
  if (!isIPv4(ip)) throw new Error(`invalid IPv4 address: ${JSON.stringify(ip)}`);
  return ip;
}

// "10.244.1.1/24"
export function assertCidr(c: string): string {
  if (parseIPv4Prefix(c) === null) throw new Error(`invalid IPv4 CIDR: ${JSON.stringify(c)}`);
  return c;
}
