// Human progress lines for `svcnet up`/`down`: numbered steps with their duration.
export class Progress {
  private n = 0;
  private t = Date.now();
  private readonly start = Date.now();

  step(msg: string): void {
    const now = Date.now();
    this.n++;
    process.stdout.write(`[${String(this.n).padStart(2)}] ${msg}  (+${((now - this.t) / 1000).toFixed(1)}s)\n`);
    this.t = now;
  }

  total(): string {
    return `${((Date.now() - this.start) / 1000).toFixed(1)}s`;
  }
}
