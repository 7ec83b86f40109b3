// IPv4 CIDR arithmetic for the node's podCIDR: the bridge takes the first host address,
// pods get the rest (network and broadcast addresses are never handed out).

export interface Ipv4Cidr {
  network: number; // as unsigned 32-bit
  prefix: number;
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IPv4 address "${ip}"`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): Ipv4Cidr {
  const [ip, len] = cidr.split('/');
  const prefix = Number(len);
  if (!Number.isInteger(prefix) || prefix < 1 || prefix > 30) throw new Error(`invalid pod CIDR "${cidr}" (need an IPv4 /1../30)`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (ipToInt(ip) & mask) >>> 0, prefix };
}

export function cidrContains(c: Ipv4Cidr, ip: string): boolean {
  const mask = (0xffffffff << (32 - c.prefix)) >>> 0;
  return ((ipToInt(ip) & mask) >>> 0) === c.network;
}

/** the bridge (gateway) address: network + 1 */
export function gatewayIp(c: Ipv4Cidr): string {
  return intToIp(c.network + 1);
}

/** first and last address a pod may get */
export function podRange(c: Ipv4Cidr): { first: number; last: number } {
  const size = 2 ** (32 - c.prefix);
  return { first: c.network + 2, last: c.network + size - 2 };
}
