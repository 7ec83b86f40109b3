// Special-purpose ranges that can never be a Service's external IP or an endpoint
// (Kubernetes' ValidateNonSpecialIP).
import { ipFamily } from './family';

export type SpecialRange = 'unspecified' | 'loopback' | 'link-local' | 'link-local-multicast';

/** Which special range `ip` falls in, or undefined for an ordinary (or invalid) address. */
export function specialRange(ip: string): SpecialRange | undefined {
  const family = ipFamily(ip);
  if (family === 4) {
    const [a, b, c] = ip.split('.').map(Number);
    if (ip === '0.0.0.0') return 'unspecified';
    if (a === 127) return 'loopback';
    if (a === 169 && b === 254) return 'link-local';
    if (a === 224 && b === 0 && c === 0) return 'link-local-multicast';
  } else if (family === 6) {
    const v = ip.toLowerCase();
    if (v === '::') return 'unspecified';
    if (v === '::1') return 'loopback';
    if (/^fe[89ab]/.test(v)) return 'link-local';
    if (v.startsWith('ff02:')) return 'link-local-multicast';
  }
  return undefined;
}
