// Domain-name helpers: presentation <-> labels, comparison, reverse names.
import { expandIPv6, familyOf, formatIPv6, isIPv4 } from '@svcnet/ipnet';
import { DnsFormatError } from './errors';

/** Split a presentation name into raw labels (as latin1 strings), honouring escapes. */
export function nameToLabels(name: string): string[] {
  if (name === '' || name === '.') return [];
  if (name.endsWith('.') && !name.endsWith('\\.')) name = name.slice(0, -1);
  const labels: string[] = [];
  let cur = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\') {
      const d = name.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        cur += String.fromCharCode(Number(d) & 0xff);
        i += 3;
      } else if (i + 1 < name.length) {
        cur += name[++i];
      } else {
        throw new DnsFormatError(`dangling escape in name "${name}"`);
      }
    } else if (c === '.') {
      labels.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  labels.push(cur);
  for (const l of labels) {
    if (l.length === 0) throw new DnsFormatError(`empty label in name "${name}"`);
    if (l.length > 63) throw new DnsFormatError(`label longer than 63 octets in name "${name}"`);
  }
  return labels;
}

/** Escape one raw label for presentation. */
export function escapeLabel(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    const c = raw[i];
    if (c === '.' || c === '\\') out += '\\' + c;
    else if (code <= 0x20 || code >= 0x7f) out += '\\' + String(code).padStart(3, '0');
    else out += c;
  }
  return out;
}

/** ASCII-only lower-casing, as DNS compares names (RFC 4343). */
export function lowerName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export function sameName(a: string, b: string): boolean {
  return lowerName(trimDot(a)) === lowerName(trimDot(b));
}

export function trimDot(name: string): string {
  return name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
}

/** Is `name` equal to `zone` or below it? Both in presentation form, any case. */
export function isSubdomain(name: string, zone: string): boolean {
  const n = lowerName(trimDot(name));
  const z = lowerName(trimDot(zone));
  if (z === '') return true;
  return n === z || n.endsWith('.' + z);
}

/** 10.0.0.1 -> 1.0.0.10.in-addr.arpa; 2001:db8::1 -> nibbles.ip6.arpa */
export function reverseName(ip: string): string {
  if (familyOf(ip) === 6) {
    const hex = expandIPv6(ip);
    return hex.split('').reverse().join('.') + '.ip6.arpa';
  }
  return ip.split('.').reverse().join('.') + '.in-addr.arpa';
}

/** Parse an in-addr.arpa / ip6.arpa name back into an address; undefined if not a full address. */
export function addressFromReverse(name: string): string | undefined {
  const n = lowerName(trimDot(name));
  if (n.endsWith('.in-addr.arpa')) {
    const parts = n.slice(0, -'.in-addr.arpa'.length).split('.');
    const ip = parts.reverse().join('.');
    return isIPv4(ip) ? ip : undefined;
  }
  if (n.endsWith('.ip6.arpa')) {
    const nib = n.slice(0, -'.ip6.arpa'.length).split('.');
    if (nib.length !== 32 || !nib.every((x) => /^[0-9a-f]$/.test(x))) return undefined;
    const hex = nib.reverse().join('');
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4));
    return formatIPv6(groups.map((g) => parseInt(g, 16)));
  }
  return undefined;
}
