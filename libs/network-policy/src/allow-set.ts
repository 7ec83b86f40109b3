// What one direction of one pod allows, built up rule by rule, then normalized into the two
// interval sets the kernel looks up: `any` (addresses allowed on every protocol and port) and
// `ports` (address . protocol . port boxes, made disjoint: nft refuses overlapping elements).
import { unionRanges, type Range } from './address-ranges';

export interface PortBox {
  addrs: readonly Range[];
  protocol: string;
  /** [first, last] port, both included */
  ports: readonly [number, number];
}

export interface AllowSet {
  any: Range[];
  /** disjoint boxes, one address range each, sorted */
  ports: { addr: Range; protocol: string; ports: readonly [number, number] }[];
}

export class AllowBuilder {
  private readonly any: (readonly Range[])[] = [];
  private readonly boxes: PortBox[] = [];

  allowAll(addrs: readonly Range[]): void {
    this.any.push(addrs);
  }

  allowPorts(box: PortBox): void {
    if (box.addrs.length) this.boxes.push(box);
  }

  build(): AllowSet {
    return { any: unionRanges(this.any), ports: disjointBoxes(this.boxes) };
  }
}

/** Splits the port axis at every box edge; each piece gets the union of the addresses of the boxes covering it; equal neighbours merge. */
function disjointBoxes(boxes: PortBox[]): AllowSet['ports'] {
  const out: AllowSet['ports'] = [];
  const protocols = [...new Set(boxes.map((b) => b.protocol))].sort();
  for (const protocol of protocols) {
    const mine = boxes.filter((b) => b.protocol === protocol);
    const cuts = [...new Set(mine.flatMap((b) => [b.ports[0], b.ports[1] + 1]))].sort((a, b) => a - b);
    let prev: { lo: number; hi: number; addrs: Range[]; key: string } | undefined;
    const pieces: { lo: number; hi: number; addrs: Range[] }[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const lo = cuts[i];
      const hi = cuts[i + 1] - 1;
      const addrs = unionRanges(mine.filter((b) => b.ports[0] <= lo && b.ports[1] >= hi).map((b) => b.addrs));
      if (!addrs.length) {
        prev = undefined;
        continue;
      }
      const key = addrs.map((r) => `${r[0]}-${r[1]}`).join(',');
      if (prev && prev.key === key && prev.hi + 1 === lo) {
        prev.hi = hi;
        continue;
      }
      prev = { lo, hi, addrs, key };
      pieces.push(prev);
    }
    for (const p of pieces) for (const addr of p.addrs) out.push({ addr, protocol, ports: [p.lo, p.hi] });
  }
  return out;
}
