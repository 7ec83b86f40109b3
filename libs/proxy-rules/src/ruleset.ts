// A Ruleset is the desired content of our table: chains (with ordered rules) and sets/maps
// (with elements). renderRuleset produces one; diff compares it with what the kernel has.
import { shortHash, type ChainSpec, type Element, type Family, type RuleText, type SetSpec } from '@svcnet/nftables';

export interface DesiredRule {
  text: RuleText;
  // Content id (hash of text) written as the rule comment, so the kernel's copy is recognisable.
  comment: string;
}

export interface DesiredChain extends ChainSpec {
  rules: DesiredRule[];
}

export interface DesiredSet extends SetSpec {
  elements: Element[];
}

// One UDP (service frontend, endpoint) pair; the node-agent clears conntrack for pairs that go away.
export interface UdpEndpoint {
  servicePortName: string;
  frontendIPs: string[];
  port: number;
  nodePort?: number;
  endpointIP: string;
  endpointPort: number;
}

export interface Ruleset {
  family: Family;
  table: string;
  chains: DesiredChain[];
  sets: DesiredSet[];
  udpEndpoints: UdpEndpoint[];
}

export function desiredRule(text: RuleText): DesiredRule {
  return { text, comment: `id:${shortHash(text)}` };
}

// What one Service added to a builder, so a later render can replay it without re-rendering
// (rule text and content hashes are most of the render cost).
export interface Fragment {
  chains: DesiredChain[];
  sets: DesiredSet[];
  elements: [string, Element][];
  udpEndpoints: UdpEndpoint[];
}

// RulesetBuilder collects chains and sets by name; adding the same name twice is a bug.
export class RulesetBuilder {
  private recording: Fragment | undefined;

  private readonly chains = new Map<string, DesiredChain>();
  private readonly sets = new Map<string, DesiredSet>();
  // Keys per set, so adding an element is O(1) (service-ips holds one per service port).
  private readonly keys = new Map<string, Set<string>>();
  readonly udpEndpoints: UdpEndpoint[] = [];

  constructor(
    readonly family: Family,
    readonly table: string,
  ) {}

  chain(spec: ChainSpec, rules: RuleText[] = []): DesiredChain {
    if (this.chains.has(spec.name)) throw new Error(`duplicate chain ${spec.name}`);
    const c: DesiredChain = { ...spec, rules: rules.map(desiredRule) };
    this.chains.set(spec.name, c);
    this.recording?.chains.push(c);
    return c;
  }

  hasChain(name: string): boolean {
    return this.chains.has(name);
  }

  set(spec: SetSpec, elements: Element[] = []): DesiredSet {
    if (this.sets.has(spec.name)) throw new Error(`duplicate set ${spec.name}`);
    const s: DesiredSet = { ...spec, elements: [...elements] };
    this.sets.set(spec.name, s);
    this.recording?.sets.push(s);
    return s;
  }

  getSet(name: string): DesiredSet {
    const s = this.sets.get(name);
    if (!s) throw new Error(`no set ${name}`);
    return s;
  }

  // Map keys must be unique; when two services claim the same key the first one wins
  // (e.g. the same external IP:port on two Services), as with kube-proxy's maps.
  addElement(set: string, e: Element): void {
    this.recording?.elements.push([set, e]);
    const s = this.getSet(set);
    let keys = this.keys.get(set);
    if (!keys) this.keys.set(set, (keys = new Set(s.elements.map((x) => x.key))));
    if (keys.has(e.key)) return;
    keys.add(e.key);
    s.elements.push(e);
  }

  addUdpEndpoint(u: UdpEndpoint): void {
    this.recording?.udpEndpoints.push(u);
    this.udpEndpoints.push(u);
  }

  // Everything added while fn runs, as a Fragment.
  record(fn: () => void): Fragment {
    const f: Fragment = { chains: [], sets: [], elements: [], udpEndpoints: [] };
    this.recording = f;
    try {
      fn();
    } finally {
      this.recording = undefined;
    }
    return f;
  }

  // Adds a recorded fragment again. Its chains and sets are shared, never mutated: map
  // elements only go to the base sets, which no fragment holds.
  replay(f: Fragment): void {
    for (const c of f.chains) {
      if (this.chains.has(c.name)) throw new Error(`duplicate chain ${c.name}`);
      this.chains.set(c.name, c);
    }
    for (const s of f.sets) {
      if (this.sets.has(s.name)) throw new Error(`duplicate set ${s.name}`);
      this.sets.set(s.name, s);
    }
    for (const [set, e] of f.elements) this.addElement(set, e);
    for (const u of f.udpEndpoints) this.udpEndpoints.push(u);
  }

  build(): Ruleset {
    return { family: this.family, table: this.table, chains: [...this.chains.values()], sets: [...this.sets.values()], udpEndpoints: this.udpEndpoints };
  }
}
