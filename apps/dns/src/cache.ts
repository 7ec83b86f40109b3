// Response cache for forwarded names: positive answers live for their smallest TTL,
// negative ones (NXDOMAIN/NODATA) for the SOA's negative TTL (RFC 2308). Bounded LRU.
import { lowerName, RCODE, trimDot } from '@svcnet/dns-message';
import type { ResourceRecord } from '@svcnet/dns-message';

export interface CachedAnswer {
  rcode: number;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

interface Entry {
  value: CachedAnswer;
  stored: number;
  expires: number;
}

export interface CacheOptions {
  maxEntries?: number;
  maxTTL?: number;
  maxNegativeTTL?: number;
  /** for tests */
  now?: () => number;
}

export function cacheKey(name: string, type: number, klass: number): string {
  return `${lowerName(trimDot(name))}|${type}|${klass}`;
}

/** Seconds this answer may be cached, or 0 for "do not cache". */
export function cacheTTL(a: CachedAnswer, maxTTL: number, maxNegativeTTL: number): number {
  if (a.rcode !== RCODE.NOERROR && a.rcode !== RCODE.NXDOMAIN) return 0;
  if (a.rcode === RCODE.NOERROR && a.answers.length > 0) {
    return Math.min(maxTTL, ...a.answers.map((r) => r.ttl));
  }
  const soa = a.authority.find((r) => r.type === 'SOA');
  if (!soa || soa.type !== 'SOA') return 0;
  return Math.min(maxNegativeTTL, soa.ttl, soa.minimum);
}

export class DnsCache {
  private map = new Map<string, Entry>();
  private readonly max: number;
  private readonly maxTTL: number;
  private readonly maxNeg: number;
  private readonly now: () => number;

  constructor(opts: CacheOptions = {}) {
    this.max = opts.maxEntries ?? 10_000;
    this.maxTTL = opts.maxTTL ?? 3600;
    this.maxNeg = opts.maxNegativeTTL ?? 1800;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.map.size;
  }

  /** A copy with TTLs lowered by the time spent in the cache, or undefined. */
  get(key: string): CachedAnswer | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    const now = this.now();
    if (now >= e.expires) {
      this.map.delete(key);
      return undefined;
    }
    // refresh LRU position
    this.map.delete(key);
    this.map.set(key, e);
    const age = Math.floor((now - e.stored) / 1000);
    const age1 = (rrs: ResourceRecord[]) => rrs.map((r) => ({ ...r, ttl: Math.max(0, r.ttl - age) }));
    return { rcode: e.value.rcode, answers: age1(e.value.answers), authority: age1(e.value.authority), additional: age1(e.value.additional) };
  }

  put(key: string, value: CachedAnswer): void {
    const ttl = cacheTTL(value, this.maxTTL, this.maxNeg);
    if (ttl <= 0) return;
    const now = this.now();
    this.map.delete(key);
    this.map.set(key, { value, stored: now, expires: now + ttl * 1000 });
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }
}
