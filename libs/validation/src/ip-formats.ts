// IP and CIDR checks with Kubernetes' messages. node:net's isIP is pure (no I/O).
import { isIP } from 'node:net';

export function isValidIP(value: string): string[] {
  return isIP(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function isValidIPv4(value: string): string[] {
  return isIP(value) === 4 ? [] : ['must be a valid IPv4 address'];
}

export function isValidIPv6(value: string): string[] {
  return isIP(value) === 6 ? [] : ['must be a valid IPv6 address'];
}

export function isValidCIDR(value: string): string[] {
  const slash = value.indexOf('/');
  const family = slash > 0 ? isIP(value.slice(0, slash)) : 0;
  const prefix = value.slice(slash + 1);
  const ok = family !== 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  return ok ? [] : ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
}

/** Addresses that can never be a Service's external IP or an endpoint (ValidateNonSpecialIP). */
export function isNonSpecialIP(value: string): string[] {
  const family = isIP(value);
  if (family === 4) {
    const [a, b, c] = value.split('.').map(Number);
    if (value === '0.0.0.0') return ['may not be unspecified (0.0.0.0)'];
    if (a === 127) return ['may not be in the loopback range (127.0.0.0/8, ::1/128)'];
    if (a === 169 && b === 254) return ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'];
    if (a === 224 && b === 0 && c === 0) return ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'];
  } else if (family === 6) {
    const v = value.toLowerCase();
    if (v === '::') return ['may not be unspecified (::)'];
    if (v === '::1') return ['may not be in the loopback range (127.0.0.0/8, ::1/128)'];
    if (/^fe[89ab]/.test(v)) return ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'];
    if (v.startsWith('ff02:')) return ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'];
  }
  return [];
}
