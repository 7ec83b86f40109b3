// IPv4 CIDR blocks as numbers: a block is [base, base + size).
import { ipFamily, type IPFamily } from './family';
import { formatIPv4, parseIPv4 } from './ipv4';

export interface Ipv4Cidr {
  /** Network address (host bits cleared). */
  base: number;
  prefix: number;
  /** Number of addresses in the block, including network and broadcast. */
  size: number;
}

const PREFIX = /^\d{1,3}$/;

/**
 * The family of "addr/len" when it is a valid CIDR of either family (len 0..32 or 0..128),
 * else 0. Host bits may be set. This is what Kubernetes' validation accepts.
 */
export function cidrFamily(text: string): IPFamily | 0 {
  if (typeof text !== 'string') return 0;
  const slash = text.indexOf('/');
  const family = slash > 0 ? ipFamily(text.slice(0, slash)) : 0;
  const prefix = text.slice(slash + 1);
  return family !== 0 && PREFIX.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128) ? family : 0;
}

/** "a.b.c.d/n" as written: the address (host bits kept) and the prefix length; null if not IPv4 CIDR text. */
export function parseIPv4Prefix(text: string): { ip: number; prefix: number } | null {
  if (typeof text !== 'string') return null;
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === null || !PREFIX.test(prefixText) || Number(prefixText) > 32) return null;
  return { ip, prefix: Number(prefixText) };
}

/** Parses "a.b.c.d/n"; the host bits are cleared, as Go's net.ParseCIDR does. */
export function parseCIDR(text: string): Ipv4Cidr | null {
  const p = parseIPv4Prefix(text);
  return p && cidrOf(p.ip, p.prefix);
}

/** The block of length `prefix` that holds `ip`. */
export function cidrOf(ip: number, prefix: number): Ipv4Cidr {
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(ip / size) * size, prefix, size };
}

/** "a.b.c.d/n" */
export function formatCIDR(cidr: Ipv4Cidr): string {
  return `${formatIPv4(cidr.base)}/${cidr.prefix}`;
}

/** The netmask of a prefix length as a number (/24 -> 0xffffff00). */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Is `ip` (a number or dotted-quad text) inside the block? Text that is no IPv4 address is not. */
export function cidrContains(cidr: Ipv4Cidr, ip: number | string): boolean {
  const n = typeof ip === 'number' ? ip : parseIPv4(ip);
  return n !== null && n >= cidr.base && n < cidr.base + cidr.size;
}

/** Do the two blocks share an address? (Blocks are nested or disjoint, never partly overlapping.) */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Is `inner` wholly inside `outer`? */
export function cidrCovers(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

/** Number of addresses in the block, network and broadcast included. */
export function cidrSize(cidr: Ipv4Cidr): number {
  return cidr.size;
}

/** The n-th address of the block (0 = network address); throws a RangeError outside it. */
export function cidrNth(cidr: Ipv4Cidr, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n >= cidr.size) throw new RangeError(`address ${n} is outside ${formatCIDR(cidr)}`);
  return cidr.base + n;
}

/** The last address of the block (the broadcast address). */
export function cidrLast(cidr: Ipv4Cidr): number {
  return cidr.base + cidr.size - 1;
}
