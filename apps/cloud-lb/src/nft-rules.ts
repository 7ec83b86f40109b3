// The kernel data path's rules: pure functions from "which LB ports go to which nodes" to the
// table `ip svcnet-lb`, and the smallest transaction that turns one state into another.
//
//   table ip svcnet-lb {
//     map lb-ips { type ipv4_addr . inet_proto . inet_service : verdict
//                  elements = { 10.78.42.10 . tcp . 80 : goto lb-HASH-10.78.42.10/tcp/80 } }
//     chain prerouting { type nat hook prerouting priority dstnat
//                        ip daddr . meta l4proto . th dport vmap @lb-ips }
//     chain lb-HASH-10.78.42.10/tcp/80 {
//       ip saddr != { 192.168.100.0/24 } drop                  # loadBalancerSourceRanges
//       numgen random mod 2 vmap { 0 : goto node-…, 1 : goto node-… }  # healthy nodes only
//     }
//     chain node-HASH-tcp/10.240.1.2/30080 { meta l4proto tcp dnat to 10.240.1.2:30080 }
//   }
//
// No masquerade: the node sees the client's address and answers it through the LB (the LB is
// the nodes' router), where conntrack undoes the DNAT. An LB port with no healthy node has no
// numgen rule, so its packets reach the LB's own stack, where nothing listens: TCP reset,
// ICMP port unreachable for UDP.
import {
  cidr,
  concat,
  derivedName,
  DROP,
  gotoChain,
  ipv4,
  mapEntry,
  num,
  port,
  PRIORITY,
  proto,
  rule,
  setRef,
  Transaction,
  type RuleText,
} from '@svcnet/nftables';
import { cidrContains, parseCIDR } from '@svcnet/ipnet';
import type { LbBackend, LbPort, LbSpec } from './lb-spec';

export const LB_TABLE = 'svcnet-lb';
const DISPATCH_CHAIN = 'prerouting';
const LB_IPS_MAP = 'lb-ips';

export interface LbRuleInput {
  lb: LbSpec;
  /** per port: the nodes that get new connections (already filtered by health) */
  nodesFor: (port: LbPort) => LbBackend[];
}

export interface LbRuleset {
  /** regular chains (not the dispatch chain): name -> rule texts in order */
  chains: Map<string, RuleText[]>;
  /** lb-ips elements: key -> verdict */
  ips: Map<string, string>;
  /** for conntrack clean-up and /lb: LB ip|proto|port -> node IPs it forwards to */
  targets: Map<string, string[]>;
}

export const lbChainName = (ip: string, p: LbPort): string => derivedName('lb', [ip, p.protocol.toLowerCase(), p.port]);
export const nodeChainName = (p: LbPort, nodeIP: string): string => derivedName('node', [p.protocol.toLowerCase(), nodeIP, p.nodePort]);
export const targetKey = (ip: string, p: Pick<LbPort, 'protocol' | 'port'>): string => `${ip}|${p.protocol}|${p.port}`;

export function renderLbRuleset(inputs: LbRuleInput[]): LbRuleset {
  const chains = new Map<string, RuleText[]>();
  const ips = new Map<string, string>();
  const targets = new Map<string, string[]>();
  for (const { lb, nodesFor } of inputs) {
    for (const p of lb.ports) {
      const lbChain = lbChainName(lb.ip, p);
      const rules: RuleText[] = [];
      if (lb.sourceRanges.length) rules.push(rule`ip saddr != { ${disjointRanges(lb.sourceRanges).map((r) => cidr(r.includes('/') ? r : `${r}/32`))} } ${DROP}`);
      const nodes = [...nodesFor(p)].sort((a, b) => a.ip.localeCompare(b.ip));
      if (nodes.length) {
        const entries = nodes.map((n, i) => {
          const nc = nodeChainName(p, n.ip);
          if (!chains.has(nc)) chains.set(nc, [rule`meta l4proto ${proto(p.protocol)} dnat to ${ipv4(n.ip)}:${port(p.nodePort)}`]);
          return mapEntry(num(i), gotoChain(nc));
        });
        rules.push(rule`numgen random mod ${num(nodes.length)} vmap { ${entries} }`);
      }
      chains.set(lbChain, rules);
      ips.set(concat(ipv4(lb.ip), proto(p.protocol), port(p.port)).text, gotoChain(lbChain).text);
      targets.set(targetKey(lb.ip, p), nodes.map((n) => n.ip));
    }
  }
  return { chains, ips, targets };
}

const sameRules = (a: RuleText[] | undefined, b: RuleText[]) => !!a && a.length === b.length && a.every((r, i) => r === b[i]);
// node chains are referenced by lb chains: written first, deleted last
const nodeFirst = (names: Iterable<string>) => [...names].sort((a, b) => Number(b.startsWith('node-')) - Number(a.startsWith('node-')) || a.localeCompare(b));

/**
 * The transaction from `prev` (what we applied last; undefined = unknown, e.g. at start) to
 * `next`. Unknown: the whole table is replaced in one batch (add+delete+add: atomic, no gap).
 * Known: only changed chains are flushed and rewritten, changed map elements deleted and
 * added, unused chains flushed and deleted. No change: an empty transaction.
 */
export function diffLbRuleset(prev: LbRuleset | undefined, next: LbRuleset): Transaction {
  const tx = new Transaction('ip', LB_TABLE);
  if (!prev) {
    tx.addTable().deleteTable().addTable();
    tx.addChain({ name: DISPATCH_CHAIN, base: { type: 'nat', hook: 'prerouting', priority: PRIORITY.dstnat, policy: 'accept' } });
    tx.addSet({ name: LB_IPS_MAP, kind: 'map', type: 'ipv4_addr . inet_proto . inet_service', valueType: 'verdict' });
    for (const name of nodeFirst(next.chains.keys())) tx.addChain({ name });
    for (const name of nodeFirst(next.chains.keys())) for (const r of next.chains.get(name)!) tx.addRule(name, r);
    tx.addRule(DISPATCH_CHAIN, rule`ip daddr . meta l4proto . th dport vmap ${setRef(LB_IPS_MAP)}`);
    tx.addElements(LB_IPS_MAP, [...next.ips].map(([key, value]) => ({ key, value })));
    return tx;
  }
  for (const name of nodeFirst(next.chains.keys())) if (!prev.chains.has(name)) tx.addChain({ name });
  for (const name of nodeFirst(next.chains.keys())) {
    const want = next.chains.get(name)!;
    const had = prev.chains.get(name);
    if (sameRules(had, want)) continue;
    if (had) tx.flushChain(name);
    for (const r of want) tx.addRule(name, r);
  }
  const gone = [...prev.ips].filter(([k, v]) => next.ips.get(k) !== v).map(([key]) => ({ key }));
  const added = [...next.ips].filter(([k, v]) => prev.ips.get(k) !== v).map(([key, value]) => ({ key, value }));
  tx.deleteElements(LB_IPS_MAP, gone);
  tx.addElements(LB_IPS_MAP, added);
  const removed = nodeFirst([...prev.chains.keys()].filter((n) => !next.chains.has(n))).reverse();
  for (const name of removed) tx.flushChain(name);
  for (const name of removed) tx.deleteChain(name);
  return tx;
}

/** ranges as an nft anonymous set accepts them: canonical, none inside another (overlaps are an error) */
export function disjointRanges(ranges: string[]): string[] {
  const parsed = ranges
    .map((r) => ({ r, c: parseCIDR(r.includes('/') ? r : `${r}/32`) }))
    .filter((x): x is { r: string; c: NonNullable<ReturnType<typeof parseCIDR>> } => x.c !== null)
    .sort((a, b) => b.c.size - a.c.size);
  const kept: typeof parsed = [];
  for (const x of parsed) if (!kept.some((k) => cidrContains(k.c, x.c.base))) kept.push(x);
  return kept.map((x) => cidr(x.r.includes('/') ? x.r : `${x.r}/32`).text);
}
