// Ordering addresses the way people read them.
import { parseIPv4 } from './ipv4';

/** Numeric order for IPv4 ("10.0.0.9" before "10.0.0.10"), string order otherwise. */
export function compareIP(a: string, b: string): number {
  const na = parseIPv4(a);
  const nb = parseIPv4(b);
  if (na !== null && nb !== null) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
