// The LB address pool: "--pool=10.78.42.0/24,10.78.43.10-10.78.43.250" as inclusive ranges of
// IPv4 numbers. Pure, so allocation can be tested without sockets.
import { formatIPv4, parseCIDR, parseIPv4 } from '@svcnet/ipnet';

export interface IpRange {
  first: number;
  last: number;
}

export class IpPool {
  readonly size: number;
  constructor(readonly ranges: IpRange[], readonly text: string) {
    this.size = ranges.reduce((n, r) => n + (r.last - r.first + 1), 0);
  }

  contains(ip: string | number): boolean {
    const n = typeof ip === 'number' ? ip : parseIPv4(ip);
    return n !== null && this.ranges.some((r) => n >= r.first && n <= r.last);
  }

  /** every address, lowest first (pools are small: a /16 is 65k strings at most) */
  *addresses(): Generator<string> {
    for (const r of this.ranges) for (let n = r.first; n <= r.last; n++) yield formatIPv4(n);
  }
}

/**
 * Parses a comma list of CIDRs ("10.78.42.0/24"), ranges ("10.78.42.10-10.78.42.250") and
 * single addresses. A CIDR of /30 or wider leaves out its network and broadcast addresses,
 * which hosts on that subnet could not reach as unicast anyway.
 */
export function parsePool(text: string): IpPool {
  const ranges: IpRange[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    if (part.includes('/')) {
      const c = parseCIDR(part);
      if (!c) throw new Error(`invalid pool entry "${part}": not an IPv4 CIDR`);
      if (c.prefix < 16) throw new Error(`invalid pool entry "${part}": wider than /16`);
      const inner = c.prefix <= 30;
      ranges.push({ first: c.base + (inner ? 1 : 0), last: c.base + c.size - 1 - (inner ? 1 : 0) });
    } else if (part.includes('-')) {
      const [a, b] = part.split('-').map((s) => parseIPv4(s.trim()));
      if (a === null || b === null || a === undefined || b === undefined) throw new Error(`invalid pool entry "${part}": not an IPv4 range a.b.c.d-e.f.g.h`);
      if (b < a) throw new Error(`invalid pool entry "${part}": range end before start`);
      if (b - a >= 65536) throw new Error(`invalid pool entry "${part}": more than 65536 addresses`);
      ranges.push({ first: a, last: b });
    } else {
      const a = parseIPv4(part);
      if (a === null) throw new Error(`invalid pool entry "${part}": not an IPv4 address`);
      ranges.push({ first: a, last: a });
    }
  }
  if (ranges.length === 0) throw new Error('--pool is empty');
  ranges.sort((x, y) => x.first - y.first);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i].first <= ranges[i - 1].last) throw new Error(`pool ranges overlap: ${formatIPv4(ranges[i].first)}`);
  }
  return new IpPool(ranges, text);
}
