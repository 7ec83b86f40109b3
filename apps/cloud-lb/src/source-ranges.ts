// loadBalancerSourceRanges: which client addresses may use an LB. Empty means everyone.
import { cidrContains, parseCIDR, parseIPv4 } from '@svcnet/ipnet';
import type { Service } from '@svcnet/api-types';

export const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** the field wins over the (older) annotation, as in Kubernetes; IPv6 entries are ignored */
export function sourceRangesOf(svc: Service): string[] {
  const field = svc.spec.loadBalancerSourceRanges ?? [];
  const list = field.length ? field : (svc.metadata.annotations?.[SOURCE_RANGES_ANNOTATION] ?? '').split(',');
  return list.map((s) => s.trim()).filter((s) => s && parseCIDR(s) !== null);
}

export type SourceFilter = (ip: string) => boolean;

export function sourceFilter(ranges: string[]): SourceFilter {
  const cidrs = ranges.map((r) => parseCIDR(r)!).filter(Boolean);
  if (cidrs.length === 0) return () => true;
  return (ip) => {
    // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
    const n = parseIPv4(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
    return n !== null && cidrs.some((c) => cidrContains(c, n));
  };
}
