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

/** True when ranges are already in normalized form (sorted, disjoint, not adjacent). */
export function isNormalized(ranges: readonly Range[]): boolean {
  for (let i = 0; i < ranges.length; i++) {
    if (ranges[i][0] > ranges[i][1]) return false;
    if (i && ranges[i][0] <= ranges[i - 1][1] + 1) return false;
  }
  return true;
}

/** The union of two normalized lists, normalized, in linear time. */
function union2(a: readonly Range[], b: readonly Range[]): Range[] {
  if (!a.length) return b as Range[];
  if (!b.length) return a as Range[];
  // input ranges are shared, not copied; a merged range is a new pair
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const r = j >= b.length || (i < a.length && (a[i][0] < b[j][0] || (a[i][0] === b[j][0] && a[i][1] <= b[j][1]))) ? a[i++] : b[j++];
    const n = out.length;
    if (n && r[0] <= out[n - 1][1] + 1) {
      if (r[1] > out[n - 1][1]) out[n - 1] = [out[n - 1][0], r[1]];
    } else out.push(r);
  }
  return out;
}

/**
 * The union of many lists, normalized: the same result as normalize(lists.flat()), but lists
 * that are already normalized are merged pairwise in linear passes instead of sorted again.
 * The result may share arrays with the input (never mutated).
 */
export function unionRanges(lists: readonly (readonly Range[])[]): Range[] {
  let level = lists.map((l) => (isNormalized(l) ? l : normalize(l))).filter((l) => l.length);
  if (!level.length) return [];
  while (level.length > 1) {
    const next: (readonly Range[])[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? union2(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0] as Range[];
}
