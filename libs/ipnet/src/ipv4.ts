// IPv4 addresses as unsigned 32-bit numbers, so ranges are plain arithmetic.

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad text; null when it is not a canonical IPv4 address (no leading zeros). */
export function parseIPv4(text: string): number | null {
  if (typeof text !== 'string') return null;
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!OCTET.test(p)) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

export function isIPv4(s: unknown): s is string {
  return typeof s === 'string' && parseIPv4(s) !== null;
}

/** Like parseIPv4 but throws `invalid IPv4 address "x"`. */
export function mustParseIPv4(text: string): number {
  const n = parseIPv4(text);
  if (n === null) throw new Error(`invalid IPv4 address "${text}"`);
  return n;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The four octets (for byte encodings: DNS A records). */
export function ipv4Octets(n: number): [number, number, number, number] {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}
