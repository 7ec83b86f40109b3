// Which Service holds which pool address. Pure bookkeeping; the controller decides when to
// call it and the data path follows the result.
import { parseIPv4 } from '@svcnet/ipnet';
import type { IpPool } from './pool';

export type Allocation = { ok: true; ip: string } | { ok: false; reason: string };

export class IpAllocator {
  private byIp = new Map<string, string>();
  private byKey = new Map<string, string>();

  constructor(readonly pool: IpPool) {}

  holder(ip: string): string | undefined {
    return this.byIp.get(ip);
  }

  ipOf(key: string): string | undefined {
    return this.byKey.get(key);
  }

  get allocated(): number {
    return this.byIp.size;
  }

  entries(): [key: string, ip: string][] {
    return [...this.byKey];
  }

  release(key: string): string | undefined {
    const ip = this.byKey.get(key);
    if (ip === undefined) return undefined;
    this.byKey.delete(key);
    this.byIp.delete(ip);
    return ip;
  }

  /** takes one address for key, or says why not; never takes another Service's address */
  claim(key: string, ip: string): Allocation {
    if (parseIPv4(ip) === null) return { ok: false, reason: `"${ip}" is not a valid IPv4 address` };
    if (!this.pool.contains(ip)) return { ok: false, reason: `${ip} is not in the pool ${this.pool.text}` };
    const h = this.byIp.get(ip);
    if (h !== undefined && h !== key) return { ok: false, reason: `${ip} is already allocated to ${h}` };
    if (h === key) return { ok: true, ip };
    this.release(key);
    this.byIp.set(ip, key);
    this.byKey.set(key, ip);
    return { ok: true, ip };
  }

  /**
   * The address key should have: the requested one (spec.loadBalancerIP) or nothing; else
   * the one it holds; else the one in its status (restart) when free; else the lowest free.
   */
  ensure(key: string, requested: string | undefined, fromStatus: string | undefined): Allocation {
    if (requested) {
      const r = this.claim(key, requested);
      if (!r.ok) this.release(key);
      return r;
    }
    const held = this.byKey.get(key);
    if (held !== undefined) return { ok: true, ip: held };
    if (fromStatus && this.pool.contains(fromStatus) && !this.byIp.has(fromStatus)) return this.claim(key, fromStatus);
    for (const ip of this.pool.addresses()) if (!this.byIp.has(ip)) return this.claim(key, ip);
    return { ok: false, reason: `no available IPs in the pool ${this.pool.text} (${this.pool.size} addresses, all allocated)` };
  }
}
