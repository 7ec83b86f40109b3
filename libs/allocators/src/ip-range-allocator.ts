// ClusterIP allocator over an IPv4 CIDR. Network and broadcast addresses are never handed out.
// allocateNext starts its scan at a random offset so concurrent creates rarely race for the
// same address (the approach of Kubernetes' random-scan strategy).
import { AllocationError, rangeFull } from './allocation-error';
import { Bitmap } from './bitmap';
import { formatCIDR, formatIPv4, parseCIDR, parseIPv4, type Ipv4Cidr } from '@svcnet/ipnet';
import type { RandomSource } from './random-source';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export class IPRangeAllocator {
  readonly cidr: Ipv4Cidr;
  /** First assignable address (network + 1, or the base itself for /31 and /32). */
  private readonly first: number;
  private readonly bits: Bitmap;

  constructor(
    cidr: string = DEFAULT_SERVICE_CIDR,
    private readonly random: RandomSource = Math.random,
  ) {
    const parsed = parseCIDR(cidr);
    if (!parsed) throw new AllocationError('Invalid', `invalid CIDR address: ${cidr}`);
    this.cidr = parsed;
    const reserveEnds = parsed.size > 2;
    this.first = parsed.base + (reserveEnds ? 1 : 0);
    this.bits = new Bitmap(reserveEnds ? parsed.size - 2 : parsed.size);
  }

  /** The range in CIDR notation, as Kubernetes prints it in errors. */
  get range(): string {
    return formatCIDR(this.cidr);
  }

  /** Marks a specific IP as used (user-requested ClusterIP, or restore at start). */
  allocate(ip: string): void {
    const offset = this.offsetOf(ip);
    if (offset === null) {
      throw new AllocationError(
        'NotInRange',
        `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.range}`,
      );
    }
    if (!this.bits.set(offset)) throw new AllocationError('AlreadyAllocated', 'provided IP is already allocated');
  }

  allocateNext(): string {
    const start = Math.floor(this.random() * this.bits.size);
    const offset = this.bits.findClearFrom(start);
    if (offset < 0) throw rangeFull();
    this.bits.set(offset);
    return formatIPv4(this.first + offset);
  }

  /** Releasing an address that is not allocated or not in range is a no-op, as in Kubernetes. */
  release(ip: string): void {
    const offset = this.offsetOf(ip);
    if (offset !== null) this.bits.clear(offset);
  }

  has(ip: string): boolean {
    const offset = this.offsetOf(ip);
    return offset !== null && this.bits.has(offset);
  }

  used(): number {
    return this.bits.used;
  }

  free(): number {
    return this.bits.size - this.bits.used;
  }

  /** Every allocated IP, ascending. */
  allocated(): string[] {
    return [...this.bits.setBits()].map((o) => formatIPv4(this.first + o));
  }

  private offsetOf(ip: string): number | null {
    const n = parseIPv4(ip);
    if (n === null) return null;
    const offset = n - this.first;
    return offset >= 0 && offset < this.bits.size ? offset : null;
  }
}
