// IPv6 addresses as eight 16-bit groups.

/** Eight groups for an IPv6 address (with an embedded IPv4 tail too); throws on garbage. */
export function parseIPv6(ip: string): number[] {
  let s = ip;
  const tail: number[] = [];
  // Embedded IPv4 (::ffff:1.2.3.4)
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1].split('.').map(Number);
    if (b.some((x) => x > 255)) throw new Error(`bad IPv6 address ${ip}`);
    tail.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
    s = s.slice(0, -v4[1].length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const dbl = s.split('::');
  if (dbl.length > 2) throw new Error(`bad IPv6 address ${ip}`);
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(h)) throw new Error(`bad IPv6 address ${ip}`);
    return parseInt(h, 16);
  }));
  const head = parse(dbl[0]);
  const rest = dbl.length === 2 ? parse(dbl[1]) : [];
  const known = head.length + rest.length + tail.length;
  if (dbl.length === 2) {
    if (known > 7) throw new Error(`bad IPv6 address ${ip}`);
    return [...head, ...new Array(8 - known).fill(0), ...rest, ...tail];
  }
  if (known !== 8) throw new Error(`bad IPv6 address ${ip}`);
  return [...head, ...tail];
}

/** 32 hex digits for an IPv6 address; throws on garbage. */
export function expandIPv6(ip: string): string {
  return parseIPv6(ip)
    .map((g) => g.toString(16).padStart(4, '0'))
    .join('');
}

/** RFC 5952 canonical text for 8 groups. */
export function formatIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}
