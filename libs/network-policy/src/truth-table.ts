// Kubernetes' network-policy e2e model (test/e2e/network/netpol): namespaces x, y, z with pods
// a, b, c each serving TCP and UDP on 80 and 81, and its "truth table": for every pair of pods,
// is a connection allowed? Shared by the tracer unit tests and the root tests with real pods.

export const MODEL_NAMESPACES = ['x', 'y', 'z'] as const;
export const MODEL_PODS = ['a', 'b', 'c'] as const;
export const MODEL_PORTS = [80, 81] as const;
export const MODEL_PROTOCOLS = ['TCP', 'UDP'] as const;
/** every pod as "ns/pod", in the model's order */
export const MODEL_PEERS: string[] = MODEL_NAMESPACES.flatMap((ns) => MODEL_PODS.map((p) => `${ns}/${p}`));

/** Upstream's container port names: serve-80-tcp, serve-81-udp, ... */
export function modelPortName(port: number, protocol: string): string {
  return `serve-${port}-${protocol.toLowerCase()}`;
}

export class TruthTable {
  private readonly cells = new Map<string, boolean>();

  constructor(
    readonly peers: readonly string[] = MODEL_PEERS,
    defaultAllowed = true,
  ) {
    for (const f of peers) for (const t of peers) this.cells.set(`${f}>${t}`, defaultAllowed);
  }

  set(from: string, to: string, allowed: boolean): this {
    this.cells.set(`${from}>${to}`, allowed);
    return this;
  }

  get(from: string, to: string): boolean {
    return this.cells.get(`${from}>${to}`) ?? false;
  }

  /** Sets every pair where pred(from, to) holds. */
  where(pred: (from: string, to: string) => boolean, allowed: boolean): this {
    for (const f of this.peers) for (const t of this.peers) if (pred(f, t)) this.set(f, t, allowed);
    return this;
  }

  /** Upstream's printout: rows are sources, columns destinations, "." allowed, "X" denied; mismatches against `expected` are marked "*". */
  render(expected?: TruthTable): string {
    const lines = [['-', ...this.peers].join('\t')];
    for (const f of this.peers) {
      const cells = this.peers.map((t) => {
        const v = this.get(f, t) ? '.' : 'X';
        return expected && expected.get(f, t) !== this.get(f, t) ? `${v}*` : v;
      });
      lines.push([f, ...cells].join('\t'));
    }
    return lines.join('\n');
  }

  equals(other: TruthTable): boolean {
    return this.peers.every((f) => this.peers.every((t) => this.get(f, t) === other.get(f, t)));
  }
}

export const nsOf = (peer: string): string => peer.split('/')[0];
export const podOf = (peer: string): string => peer.split('/')[1];
