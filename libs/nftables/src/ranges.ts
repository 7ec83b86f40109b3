// Interval values for sets with `flags interval`: an address range or a port range as one
// Token, in the canonical text `nft -j list` gives back (a single value, a prefix when the range
// is one aligned block, else "lo-hi"), so desired and kernel state compare as plain strings.
import { formatIPv4 } from '@svcnet/ipnet';
import { Token } from './values';

const MAX_IPV4 = 0xffffffff;

/** [lo, hi] as IPv4 numbers, both included. */
export function ipv4Range(lo: number, hi: number): Token {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > MAX_IPV4 || lo > hi) throw new Error(`invalid IPv4 range ${lo}-${hi}`);
  if (lo === hi) return new Token(formatIPv4(lo));
  const size = hi - lo + 1;
  const prefix = 32 - Math.log2(size);
  if (Number.isInteger(prefix) && lo % size === 0) return new Token(`${formatIPv4(lo)}/${prefix}`);
  return new Token(`${formatIPv4(lo)}-${formatIPv4(hi)}`);
}

/** [lo, hi] of transport ports (0 allowed: "every port" is 0-65535). */
export function portRange(lo: number, hi: number): Token {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > 65535 || lo > hi) throw new Error(`invalid port range ${lo}-${hi}`);
  return new Token(lo === hi ? String(lo) : `${lo}-${hi}`);
}
