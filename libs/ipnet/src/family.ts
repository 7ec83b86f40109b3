// Address families. node:net's isIP is pure (no I/O) and rejects leading zeros in IPv4
// octets, as the canonical parsers below do.
import { isIP } from 'node:net';

export type IPFamily = 4 | 6;

/** 4 or 6 for a valid address, 0 otherwise. */
export function ipFamily(text: string): IPFamily | 0 {
  return isIP(text) as IPFamily | 0;
}

/** The family of an address already known to be valid: a colon makes it IPv6 (cheap, no parse). */
export function familyOf(ip: string): IPFamily {
  return ip.includes(':') ? 6 : 4;
}

/** Kubernetes' spelling of a family ("IPv4" / "IPv6"), as in spec.ipFamilies and EndpointSlice addressType. */
export function familyName(ip: string): 'IPv4' | 'IPv6' {
  return familyOf(ip) === 6 ? 'IPv6' : 'IPv4';
}

/** "host:port", with brackets around an IPv6 host ([fd00::1]:80), as Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
