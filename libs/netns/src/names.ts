// Validation of everything that becomes an argument of `ip` or `sysctl`. Arguments are passed
// as argv (never through a shell), and still checked so a bad name fails loudly here.

const NETNS_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
// IFNAMSIZ is 16 including the NUL.
const LINK_RE = /^[a-z0-9][a-z0-9-]{0,14}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function assertNetnsName(name: string): string {
  if (typeof name !== 'string' || !NETNS_RE.test(name)) throw new Error(`invalid netns name: ${JSON.stringify(name)}`);
  return name;
}

export function assertLinkName(name: string): string {
  if (typeof name !== 'string' || !LINK_RE.test(name)) throw new Error(`invalid link name (a-z0-9-, max 15): ${JSON.stringify(name)}`);
  return name;
}

export function assertIPv4(ip: string): string {
  if (typeof ip !== 'string' || !IPV4.test(ip)) throw new Error(`invalid IPv4 address: ${JSON.stringify(ip)}`);
  return ip;
}

// "10.244.1.1/24"
export function assertCidr(c: string): string {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(typeof c === 'string' ? c : '');
  if (!m || Number(m[2]) > 32) throw new Error(`invalid IPv4 CIDR: ${JSON.stringify(c)}`);
  assertIPv4(m[1]);
  return c;
}
