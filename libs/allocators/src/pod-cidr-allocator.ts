// Hands each node a pod subnet (default a /24 out of 10.244.0.0/16), like the
// node-ipam controller's cidrset. Subnets are taken round-robin so a just-released
// subnet is not immediately reused by the next node.
import { AllocationError, rangeFull } from './allocation-error';
import { Bitmap } from './bitmap';
import { formatCIDR, parseCIDR, type Ipv4Cidr } from '@svcnet/ipnet';

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
export const DEFAULT_NODE_MASK_SIZE = 24;

export class PodCIDRAllocator {
  readonly clusterCidr: Ipv4Cidr;
  private readonly subnetSize: number;
  private readonly bits: Bitmap;
  private next = 0;

  constructor(
    clusterCidr: string = DEFAULT_CLUSTER_CIDR,
    readonly maskSize: number = DEFAULT_NODE_MASK_SIZE,
  ) {
    const parsed = parseCIDR(clusterCidr);
    if (!parsed) throw new AllocationError('Invalid', `invalid CIDR address: ${clusterCidr}`);
    if (!Number.isInteger(maskSize) || maskSize < parsed.prefix || maskSize > 32) {
      throw new AllocationError('Invalid', `invalid node mask size ${maskSize} for cluster CIDR ${clusterCidr}`);
    }
    this.clusterCidr = parsed;
    this.subnetSize = 2 ** (32 - maskSize);
    this.bits = new Bitmap(2 ** (maskSize - parsed.prefix));
  }

  /** Marks a subnet as used, e.g. a Node's spec.podCIDR restored at start. */
  allocate(cidr: string): void {
    const index = this.indexOf(cidr);
    if (index === null) {
      throw new AllocationError(
        'NotInRange',
        `CIDR ${cidr} is not a /${this.maskSize} inside the cluster CIDR ${formatCIDR(this.clusterCidr)}`,
      );
    }
    if (!this.bits.set(index)) throw new AllocationError('AlreadyAllocated', `CIDR ${cidr} is already allocated`);
  }

  allocateNext(): string {
    const index = this.bits.findClearFrom(this.next);
    if (index < 0) throw rangeFull();
    this.bits.set(index);
    this.next = (index + 1) % this.bits.size;
    return this.format(index);
  }

  release(cidr: string): void {
    const index = this.indexOf(cidr);
    if (index !== null) this.bits.clear(index);
  }

  has(cidr: string): boolean {
    const index = this.indexOf(cidr);
    return index !== null && this.bits.has(index);
  }

  used(): number {
    return this.bits.used;
  }

  free(): number {
    return this.bits.size - this.bits.used;
  }

  allocated(): string[] {
    return [...this.bits.setBits()].map((i) => this.format(i));
  }

  private format(index: number): string {
    return formatCIDR({ base: this.clusterCidr.base + index * this.subnetSize, prefix: this.maskSize, size: this.subnetSize });
  }

  private indexOf(cidr: string): number | null {
    const parsed = parseCIDR(cidr);
    if (!parsed || parsed.prefix !== this.maskSize || formatCIDR(parsed) !== cidr.trim()) return null;
    const offset = parsed.base - this.clusterCidr.base;
    if (offset < 0 || offset >= this.clusterCidr.size) return null;
    return offset / this.subnetSize;
  }
}
