// Sets of IPv4 addresses as sorted, disjoint, non-adjacent [lo, hi] ranges: the form an nft
// interval set accepts (overlapping elements are refused with "conflicting intervals").
import { parseCIDR, parseIPv4 } from '@svcnet/ipnet';

export type Range = readonly [number, number];

export const ALL_ADDRESSES: Range[] = [[0, 0xffffffff]];

export function cidrRange(text: string): Range | undefined {
  const c = parseCIDR(text);
  return c ? [c.base, c.base + c.size - 1] : undefined;
}

export function hostRange(ip: string): Range | undefined {
  const n = parseIPv4(ip);
  return n === null ? undefined : [n, n];
}

/** Sorts and merges overlapping and adjacent ranges. */
export function normalize(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** a minus b (both normalized). */
export function subtract(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [lo0, hi] of a) {
    let lo = lo0;
    for (const [blo, bhi] of b) {
      if (bhi < lo || blo > hi) continue;
      if (blo > lo) out.push([lo, blo - 1]);
      lo = bhi + 1;
      if (lo > hi) break;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

export function sameRanges(a: readonly Range[], b: readonly Range[]): boolean {
  return a.length === b.length && a.every((r, i) => r[0] === b[i][0] && r[1] === b[i][1]);
}
