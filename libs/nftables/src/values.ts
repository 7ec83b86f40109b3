// Typed values for nft expressions. Every value that may come from an API object (an IP,
// a port, a protocol, a name) goes through one of these constructors, which validate it and
// produce a Token; only Tokens can be interpolated into rules and element keys.
import { formatCIDR, formatIPv4, isIPv4, parseCIDR } from '@svcnet/ipnet';
import { assertValidName } from './names';

export class Token {
  // Private brand: Tokens are only made by the constructors below.
  private readonly brand = 'nft-token';
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export { isIPv4 };

export function ipv4(s: string): Token {
  if (!isIPv4(s)) throw new Error(`invalid IPv4 address: ${JSON.stringify(s)}`);
  return new Token(s);
}

// cidr normalises host bits away ("10.244.1.7/16" -> "10.244.0.0/16") because that is how
// the kernel stores and lists the prefix; a canonical form keeps diffs stable.
export function cidr(s: string): Token {
  const c = parseCIDR(s);
  if (!c) throw new Error(`invalid IPv4 CIDR: ${JSON.stringify(s)}`);
  return new Token(c.prefix === 32 ? formatIPv4(c.base) : formatCIDR(c));
}

export function port(n: number): Token {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`invalid port: ${JSON.stringify(n)}`);
  return new Token(String(n));
}

export function num(n: number): Token {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`invalid number: ${JSON.stringify(n)}`);
  return new Token(String(n));
}

export function hex(n: number): Token {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`invalid 32-bit value: ${n}`);
  return new Token(`0x${n.toString(16).padStart(8, '0')}`);
}

export const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
export type L4Protocol = (typeof PROTOCOLS)[number];

// proto accepts Kubernetes spellings (TCP/UDP/SCTP) and nft spellings; nothing else.
export function proto(p: string): Token {
  const lower = typeof p === 'string' ? p.toLowerCase() : '';
  if (!(PROTOCOLS as readonly string[]).includes(lower)) throw new Error(`invalid protocol: ${JSON.stringify(p)}`);
  return new Token(lower);
}

// ref names a chain, table or set inside a rule (sets are written with "@": use setRef).
export function ref(name: string): Token {
  return new Token(assertValidName(name, 'chain name'));
}

export function setRef(name: string): Token {
  return new Token(`@${assertValidName(name, 'set name')}`);
}

export function seconds(n: number): Token {
  if (!Number.isInteger(n) || n < 1) throw new Error(`invalid timeout: ${n}`);
  return new Token(`${n}s`);
}

// Verdicts, for map values and rules.
export function gotoChain(name: string): Token {
  return new Token(`goto ${assertValidName(name, 'chain name')}`);
}

export function jumpChain(name: string): Token {
  return new Token(`jump ${assertValidName(name, 'chain name')}`);
}

export const ACCEPT = new Token('accept');
export const DROP = new Token('drop');
export const RETURN = new Token('return');

// concat joins element key parts the way nft lists them ("10.96.0.1 . tcp . 80").
export function concat(...parts: Token[]): Token {
  for (const p of parts) if (!(p instanceof Token)) throw new Error('concat takes Tokens only');
  return new Token(parts.map((p) => p.text).join(' . '));
}
