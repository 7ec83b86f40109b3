// IP and CIDR checks with Kubernetes' messages; the parsing is @svcnet/ipnet's.
import { cidrFamily, ipFamily, specialRange, type SpecialRange } from '@svcnet/ipnet';

export function isValidIP(value: string): string[] {
  return ipFamily(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function isValidIPv4(value: string): string[] {
  return ipFamily(value) === 4 ? [] : ['must be a valid IPv4 address'];
}

export function isValidIPv6(value: string): string[] {
  return ipFamily(value) === 6 ? [] : ['must be a valid IPv6 address'];
}

export function isValidCIDR(value: string): string[] {
  return cidrFamily(value) ? [] : ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
}

const SPECIAL_MESSAGES: Record<Exclude<SpecialRange, 'unspecified'>, string> = {
  loopback: 'may not be in the loopback range (127.0.0.0/8, ::1/128)',
  'link-local': 'may not be in the link-local range (169.254.0.0/16, fe80::/10)',
  'link-local-multicast': 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)',
};

/** Addresses that can never be a Service's external IP or an endpoint (ValidateNonSpecialIP). */
export function isNonSpecialIP(value: string): string[] {
  const range = specialRange(value);
  if (range === undefined) return [];
  if (range === 'unspecified') return [`may not be unspecified (${ipFamily(value) === 6 ? '::' : '0.0.0.0'})`];
  return [SPECIAL_MESSAGES[range]];
}
