// Choosing a node for a new connection or UDP flow. Pure: the caller says which backends are
// healthy and how many connections each has; we only decide.

export type BalanceMode = 'round-robin' | 'least-connections';

export interface Candidate {
  id: string;
  /** true: passing health checks; undefined: not checked yet; false: failing */
  healthy: boolean | undefined;
  active: number;
}

export class BackendPicker {
  private next = 0;
  constructor(private readonly mode: BalanceMode = 'round-robin') {}

  /**
   * Healthy backends first; only when none is known healthy, the not-yet-checked ones (a new
   * LB should not refuse its first connection); never a failing one. `exclude` skips
   * backends already tried for this connection.
   */
  pick(candidates: Candidate[], exclude: ReadonlySet<string> = new Set()): Candidate | undefined {
    const open = candidates.filter((c) => !exclude.has(c.id));
    let pool = open.filter((c) => c.healthy === true);
    if (pool.length === 0) pool = open.filter((c) => c.healthy === undefined);
    if (pool.length === 0) return undefined;
    if (this.mode === 'least-connections') {
      const min = Math.min(...pool.map((c) => c.active));
      pool = pool.filter((c) => c.active === min);
    }
    const c = pool[this.next % pool.length];
    this.next = (this.next + 1) % 1_000_000_007;
    return c;
  }
}

export function parseBalanceMode(s: string): BalanceMode {
  if (s === 'round-robin' || s === 'least-connections') return s;
  throw new Error(`--balance must be round-robin or least-connections, got "${s}"`);
}
