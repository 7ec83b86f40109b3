// NodePort allocator over an inclusive port range (Kubernetes' --service-node-port-range).
import { AllocationError, rangeFull } from './allocation-error';
import { Bitmap } from './bitmap';
import type { RandomSource } from './random-source';

export const DEFAULT_NODE_PORT_MIN = 30000;
export const DEFAULT_NODE_PORT_MAX = 32767;

export class PortRangeAllocator {
  private readonly bits: Bitmap;

  constructor(
    readonly min: number = DEFAULT_NODE_PORT_MIN,
    readonly max: number = DEFAULT_NODE_PORT_MAX,
    private readonly random: RandomSource = Math.random,
  ) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      throw new AllocationError('Invalid', `invalid port range: ${min}-${max}`);
    }
    this.bits = new Bitmap(max - min + 1);
  }

  /** The range as Kubernetes prints it in errors, e.g. "30000-32767". */
  get range(): string {
    return `${this.min}-${this.max}`;
  }

  allocate(port: number): void {
    if (!this.inRange(port)) {
      throw new AllocationError(
        'NotInRange',
        `provided port is not in the valid range. The range of valid ports is ${this.range}`,
      );
    }
    if (!this.bits.set(port - this.min)) {
      throw new AllocationError('AlreadyAllocated', 'provided port is already allocated');
    }
  }

  allocateNext(): number {
    const offset = this.bits.findClearFrom(Math.floor(this.random() * this.bits.size));
    if (offset < 0) throw rangeFull();
    this.bits.set(offset);
    return this.min + offset;
  }

  release(port: number): void {
    if (this.inRange(port)) this.bits.clear(port - this.min);
  }

  has(port: number): boolean {
    return this.inRange(port) && this.bits.has(port - this.min);
  }

  used(): number {
    return this.bits.used;
  }

  free(): number {
    return this.bits.size - this.bits.used;
  }

  allocated(): number[] {
    return [...this.bits.setBits()].map((o) => this.min + o);
  }

  private inRange(port: number): boolean {
    return Number.isInteger(port) && port >= this.min && port <= this.max;
  }
}
