// The shapes of nftables objects, shared by the transaction builder, the renderer, the
// reader (what the kernel has) and the fake (what a test pretends the kernel has).
import type { RuleText } from './rule-text';

export type Family = 'ip' | 'ip6' | 'inet';
export type ChainType = 'filter' | 'nat' | 'route';
export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
export type Policy = 'accept' | 'drop';

// Standard priorities of the ip/inet families (nft's "dstnat", "filter", ... keywords).
// Rendered as numbers so what we write equals what `nft -j` reads back.
export const PRIORITY = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
} as const;

export interface BaseChain {
  type: ChainType;
  hook: Hook;
  priority: number;
  policy?: Policy;
}

export interface ChainSpec {
  name: string;
  base?: BaseChain;
}

export type SetFlag = 'interval' | 'timeout' | 'dynamic' | 'constant';

export interface SetSpec {
  name: string;
  // 'map' sets carry values after ':' (verdict maps: valueType 'verdict').
  kind: 'set' | 'map';
  // Exactly one of type (e.g. "ipv4_addr . inet_proto . inet_service") or typeOf (e.g. "ip saddr").
  type?: string;
  typeOf?: string;
  valueType?: string;
  flags?: SetFlag[];
  timeoutSeconds?: number;
}

// An element in canonical text form (as nft lists it): key "10.96.0.1 . tcp . 80",
// value "goto service-X" for maps. Build them with element() so parts are validated.
export interface Element {
  key: string;
  value?: string;
  timeoutSeconds?: number;
}

export interface Rule {
  chain: string;
  text: RuleText;
  // The comment identifies a rule when reading the kernel back (nft -j does not give the
  // rule's text in the form it was written). Restricted to [A-Za-z0-9 ./:_-].
  comment?: string;
}

// --- What is in the kernel (or the fake), as read back. ---

export interface RuleState {
  handle: number;
  comment?: string;
  // Present when the source knows the original text (the fake); the kernel reader leaves it out.
  text?: string;
}

export interface ChainState {
  name: string;
  base?: BaseChain;
  rules: RuleState[];
}

export interface SetState {
  name: string;
  kind: 'set' | 'map';
  type?: string;
  flags: string[];
  timeoutSeconds?: number;
  elements: Element[];
}

export interface TableState {
  family: Family;
  name: string;
  chains: Record<string, ChainState>;
  sets: Record<string, SetState>;
}
