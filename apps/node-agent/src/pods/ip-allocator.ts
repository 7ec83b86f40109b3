// Hands out pod IPs from the node's podCIDR. Pure: the runtime persists each pod's IP in its
// state dir and restores the allocator from it, so a restarted agent never reuses a live IP.
import { type Ipv4Cidr, intToIp, ipToInt, podRange, cidrContains } from './pod-cidr';

export class IpAllocator {
  private byIp = new Map<string, string>(); // ip -> pod uid
  private byUid = new Map<string, string>();
  private next: number;

  constructor(private readonly cidr: Ipv4Cidr) {
    this.next = podRange(cidr).first;
  }

  /** record an existing allocation (adopted pod); false if the IP is outside the CIDR or taken by another uid */
  restore(uid: string, ip: string): boolean {
    if (!cidrContains(this.cidr, ip)) return false;
    const n = ipToInt(ip);
    const { first, last } = podRange(this.cidr);
    if (n < first || n > last) return false;
    const owner = this.byIp.get(ip);
    if (owner && owner !== uid) return false;
    this.byIp.set(ip, uid);
    this.byUid.set(uid, ip);
    return true;
  }

  /** the pod's IP, allocating one if it has none; round-robin so a freed IP is not reused at once */
  allocate(uid: string): string {
    const have = this.byUid.get(uid);
    if (have) return have;
    const { first, last } = podRange(this.cidr);
    const total = last - first + 1;
    for (let i = 0; i < total; i++) {
      const n = this.next;
      this.next = n >= last ? first : n + 1;
      const ip = intToIp(n);
      if (!this.byIp.has(ip)) {
        this.byIp.set(ip, uid);
        this.byUid.set(uid, ip);
        return ip;
      }
    }
    throw new Error(`pod CIDR exhausted: all ${total} addresses in use`);
  }

  release(uid: string): void {
    const ip = this.byUid.get(uid);
    if (!ip) return;
    this.byUid.delete(uid);
    this.byIp.delete(ip);
  }

  ipOf(uid: string): string | undefined {
    return this.byUid.get(uid);
  }

  get size(): number {
    return this.byUid.size;
  }
}
