// tracePacket: follows one packet through the base chains of a hook in one or more tables
// (as read from FakeNftables, which keeps each rule's text), the way kube-proxy's nftables
// tests trace packets through their fake: verdict maps, named and anonymous sets (with
// intervals and concatenations), jump/goto/return, chain policies. Unit tests can then
// assert on semantics ("is a new TCP connection from a to b:80 dropped?") instead of text.
//
// It understands the subset of nft syntax svcnet renders for filtering; anything else
// (NAT statements, unknown selectors) throws, so a test never silently passes over a rule
// the tracer cannot evaluate.
import { parseIPv4 } from '@svcnet/ipnet';
import type { ChainState, Hook, TableState } from './model';

export interface Packet {
  saddr: string;
  daddr: string;
  /** tcp, udp, sctp, icmp, ... */
  l4proto: string;
  sport?: number;
  dport?: number;
  /** conntrack state; default "new" */
  ct?: 'new' | 'established' | 'related' | 'invalid' | 'untracked';
  mark?: number;
}

export interface Trace {
  verdict: 'accept' | 'drop';
  /** "table/chain: rule text" for every rule that matched, in order */
  path: string[];
}

type Outcome = { kind: 'accept' } | { kind: 'drop' } | { kind: 'continue' };

const SELECTORS = ['ip saddr', 'ip daddr', 'meta l4proto', 'ip protocol', 'th dport', 'th sport', 'ct state', 'meta mark'] as const;
type Selector = (typeof SELECTORS)[number];

/** Runs pkt through every base chain of `hook` in `tables`, by priority; a drop anywhere is final. */
export function tracePacket(tables: TableState | (TableState | undefined)[], hook: Hook, pkt: Packet): Trace {
  const list = (Array.isArray(tables) ? tables : [tables]).filter((t): t is TableState => !!t);
  const bases = list
    .flatMap((t) => Object.values(t.chains).filter((c) => c.base?.type === 'filter' && c.base.hook === hook).map((c) => ({ t, c })))
    .sort((a, b) => a.c.base!.priority - b.c.base!.priority);
  const path: string[] = [];
  for (const { t, c } of bases) {
    const out = new ChainRunner(t, pkt, path).run(c, 0);
    const verdict = out.kind === 'continue' ? (c.base!.policy ?? 'accept') : out.kind;
    if (verdict === 'drop') return { verdict: 'drop', path };
  }
  return { verdict: 'accept', path };
}

class ChainRunner {
  constructor(
    private readonly t: TableState,
    private readonly pkt: Packet,
    private readonly path: string[],
  ) {}

  run(chain: ChainState, depth: number): Outcome {
    if (depth > 16) throw new Error(`tracer: chain depth exceeded at ${chain.name}`);
    for (const r of chain.rules) {
      if (r.text === undefined) throw new Error(`tracer: rule ${r.handle} in ${chain.name} has no text (trace the fake, not the kernel)`);
      const out = this.rule(r.text, chain, depth);
      if (out === 'nomatch') continue;
      this.path.push(`${this.t.name}/${chain.name}: ${r.text}`);
      if (out === 'return') return { kind: 'continue' };
      if (out.kind !== 'continue') return out;
    }
    return { kind: 'continue' };
  }

  private chainNamed(name: string): ChainState {
    const c = this.t.chains[name];
    if (!c) throw new Error(`tracer: no chain ${name}`);
    return c;
  }

  /** Evaluates a verdict ("accept", "goto X", ...). */
  private verdict(v: string, depth: number): Outcome | 'return' {
    const [word, target] = v.split(' ');
    switch (word) {
      case 'accept':
        return { kind: 'accept' };
      case 'drop':
      case 'reject':
        return { kind: 'drop' };
      case 'return':
        return 'return';
      case 'continue':
        return { kind: 'continue' };
      case 'jump': {
        const out = this.run(this.chainNamed(target), depth + 1);
        return out;
      }
      case 'goto': {
        // No return address: the target's end (or return) ends the calling chain too.
        const out = this.run(this.chainNamed(target), depth + 1);
        return out.kind === 'continue' ? 'return' : out;
      }
    }
    throw new Error(`tracer: unsupported verdict ${JSON.stringify(v)}`);
  }

  /** 'nomatch' when a match fails; otherwise the rule's outcome ({continue} for a rule with no verdict). */
  private rule(text: string, chain: ChainState, depth: number): Outcome | 'return' | 'nomatch' {
    const toks = tokenize(text);
    let i = 0;
    while (i < toks.length) {
      const tok = toks[i];
      if (tok === 'counter') {
        i++;
        continue;
      }
      if (tok === 'comment') {
        i += 2;
        continue;
      }
      if (['accept', 'drop', 'return', 'continue'].includes(tok)) return this.verdict(tok, depth);
      if (tok === 'reject') return { kind: 'drop' };
      if (tok === 'jump' || tok === 'goto') return this.verdict(`${tok} ${toks[i + 1]}`, depth);
      // A selector expression: one or more selectors joined by ".".
      const sels: Selector[] = [];
      for (;;) {
        const two = `${toks[i]} ${toks[i + 1]}`;
        if (!(SELECTORS as readonly string[]).includes(two)) throw new Error(`tracer: unsupported expression at ${JSON.stringify(toks.slice(i).join(' '))} in ${chain.name}`);
        sels.push(two as Selector);
        i += 2;
        if (toks[i] !== '.') break;
        i++;
      }
      const values = sels.map((s) => this.value(s));
      const op = toks[i];
      if (op === 'vmap') {
        const v = this.lookup(toks[i + 1], sels, values);
        if (v === undefined) return 'nomatch';
        const out = this.verdict(v, depth);
        return out;
      }
      let negate = false;
      if (op === '!=') {
        negate = true;
        i++;
      } else if (op === '==') i++;
      const operand = toks[i++];
      const hit = operand.startsWith('@') || operand.startsWith('{') ? this.lookup(operand, sels, values) !== undefined : matchKey(operand, sels, values);
      if (hit === negate) return 'nomatch';
    }
    return { kind: 'continue' };
  }

  private value(s: Selector): string | number | undefined {
    const p = this.pkt;
    switch (s) {
      case 'ip saddr':
        return p.saddr;
      case 'ip daddr':
        return p.daddr;
      case 'meta l4proto':
      case 'ip protocol':
        return p.l4proto;
      case 'th dport':
        return ['tcp', 'udp', 'sctp', 'dccp', 'udplite'].includes(p.l4proto) ? p.dport : undefined;
      case 'th sport':
        return ['tcp', 'udp', 'sctp', 'dccp', 'udplite'].includes(p.l4proto) ? p.sport : undefined;
      case 'ct state':
        return p.ct ?? 'new';
      case 'meta mark':
        return p.mark ?? 0;
    }
  }

  /** Set or map lookup; returns the element's value ('' for sets) or undefined when absent. */
  private lookup(operand: string, sels: Selector[], values: (string | number | undefined)[]): string | undefined {
    let elements: { key: string; value?: string }[];
    if (operand.startsWith('@')) {
      const s = this.t.sets[operand.slice(1)];
      if (!s) throw new Error(`tracer: no set ${operand}`);
      elements = s.elements;
    } else {
      elements = splitAnonymous(operand);
    }
    for (const e of elements) if (matchKey(e.key, sels, values)) return e.value ?? '';
    return undefined;
  }
}

/** Splits rule text into tokens, keeping "{ ... }" anonymous sets as one token. */
function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /\{[^}]*\}|"[^"]*"|\S+/g;
  for (const m of text.matchAll(re)) out.push(m[0]);
  return out;
}

function splitAnonymous(tok: string): { key: string; value?: string }[] {
  return tok
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [key, value] = s.split(' : ').map((x) => x.trim());
      return value === undefined ? { key } : { key, value };
    });
}

/** Does an element key (or literal) such as "10.0.0.0/8 . tcp . 80-90" match the packet's values? */
function matchKey(key: string, sels: Selector[], values: (string | number | undefined)[]): boolean {
  const parts = key.split(' . ');
  if (parts.length !== sels.length) throw new Error(`tracer: key ${JSON.stringify(key)} does not fit ${sels.join(' . ')}`);
  return parts.every((p, i) => matchPart(p.trim(), sels[i], values[i]));
}

function matchPart(part: string, sel: Selector, v: string | number | undefined): boolean {
  if (v === undefined) return false;
  switch (sel) {
    case 'ip saddr':
    case 'ip daddr':
      return addrIn(String(v), part);
    case 'th dport':
    case 'th sport':
    case 'meta mark': {
      const [lo, hi] = part.includes('-') ? part.split('-').map(Number) : [Number(part), Number(part)];
      return Number(v) >= lo && Number(v) <= hi;
    }
    case 'ct state':
      return part.split(',').includes(String(v));
    default:
      return part === String(v);
  }
}

function addrIn(ip: string, part: string): boolean {
  const n = parseIPv4(ip);
  if (n === null) return false;
  if (part.includes('/')) {
    const [base, len] = part.split('/');
    const b = parseIPv4(base);
    const size = 2 ** (32 - Number(len));
    return b !== null && n >= b && n < b + size;
  }
  if (part.includes('-')) {
    const [lo, hi] = part.split('-').map(parseIPv4);
    return lo !== null && hi !== null && n >= lo && n <= hi;
  }
  return parseIPv4(part) === n;
}
