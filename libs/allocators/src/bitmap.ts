// A fixed-size bit set with a running count; backs every allocator so 30k+ entries stay cheap.

export class Bitmap {
  private readonly words: Uint32Array;
  private count = 0;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** Sets bit i; returns false when it was already set. */
  set(i: number): boolean {
    if (this.has(i)) return false;
    this.words[i >>> 5] |= 1 << (i & 31);
    this.count++;
    return true;
  }

  /** Clears bit i; returns false when it was not set. */
  clear(i: number): boolean {
    if (!this.has(i)) return false;
    this.words[i >>> 5] &= ~(1 << (i & 31));
    this.count--;
    return true;
  }

  get used(): number {
    return this.count;
  }

  /** First clear bit at or after start, wrapping around; -1 when full. Skips full words. */
  findClearFrom(start: number): number {
    if (this.count >= this.size) return -1;
    for (let scanned = 0, i = start % this.size; scanned < this.size; ) {
      if ((i & 31) === 0 && this.words[i >>> 5] === 0xffffffff && i + 32 <= this.size) {
        scanned += 32;
        i = (i + 32) % this.size;
        continue;
      }
      if (!this.has(i)) return i;
      scanned++;
      i = (i + 1) % this.size;
    }
    return -1;
  }

  /** Indexes of all set bits, ascending. */
  *setBits(): IterableIterator<number> {
    for (let w = 0; w < this.words.length; w++) {
      const word = this.words[w];
      if (word === 0) continue;
      for (let b = 0; b < 32; b++) if (word & (1 << b)) yield w * 32 + b;
    }
  }
}
