// IPv4 arithmetic for the node's podCIDR (copied from pods/pod-cidr.ts, which is going away).
// Addresses are unsigned 32-bit numbers so ranges are plain integer loops.

export interface Ipv4Cidr {
  network: number;
  prefix: number;
}

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(s: unknown): s is string {
  return typeof s === 'string' && IPV4_RE.test(s);
}

export function ipToInt(ip: string): number {
  if (!isIPv4(ip)) throw new Error(`invalid IPv4 address "${ip}"`);
  const p = ip.split('.').map(Number);
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.244.1.0/24"; strict: host bits must be zero, so a typo'd podCIDR fails loudly */
export function parseCidr(cidr: string): Ipv4Cidr {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr);
  if (!m || !isIPv4(m[1])) throw new Error(`"${cidr}" is not an IPv4 CIDR`);
  const prefix = Number(m[2]);
  // a /31 or /32 has no room for a gateway plus pods
  if (prefix < 1 || prefix > 30) throw new Error(`"${cidr}": prefix must be /1../30`);
  const n = ipToInt(m[1]);
  if ((n & mask(prefix)) >>> 0 !== n) throw new Error(`"${cidr}" has host bits set (network is ${intToIp((n & mask(prefix)) >>> 0)}/${prefix})`);
  return { network: n, prefix };
}

export function cidrContains(c: Ipv4Cidr, ip: string): boolean {
  return ((ipToInt(ip) & mask(c.prefix)) >>> 0) === c.network;
}

export function broadcast(c: Ipv4Cidr): number {
  return (c.network + 2 ** (32 - c.prefix) - 1) >>> 0;
}

/** first usable host address: the bridge/gateway by default */
export function firstHost(c: Ipv4Cidr): string {
  return intToIp(c.network + 1);
}
