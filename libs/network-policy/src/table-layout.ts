// The fixed part of the NetworkPolicy table, as data. See README.md for why it hooks where it does.
import { PRIORITY, rule, setRef, type ChainSpec, type RuleText, type SetSpec } from '@svcnet/nftables';

export const DEFAULT_TABLE = 'svcnet-netpol';

export const CHAIN = { forward: 'forward' } as const;

export const SET = {
  /** local pod IP -> goto the ingress group chain (only pods isolated for ingress) */
  ingressPods: 'ingress-pods',
  /** local pod IP -> jump to the egress group chain (only pods isolated for egress) */
  egressPods: 'egress-pods',
} as const;

export const BASE_SETS: SetSpec[] = [
  { name: SET.ingressPods, kind: 'map', type: 'ipv4_addr', valueType: 'verdict' },
  { name: SET.egressPods, kind: 'map', type: 'ipv4_addr', valueType: 'verdict' },
];

/** Element type of a group's sets: addresses for `any`, address . protocol . port for `ports`. */
export const ANY_SET_TYPE = 'ipv4_addr';
export const PORTS_SET_TYPE = 'ipv4_addr . inet_proto . inet_service';

// Forward, at filter priority: after the proxy's DNAT (prerouting, dstnat -100), so rules see
// the backend pod and its targetPort, and after the proxy's filter-forward (-10), which
// rejects connections to Services without endpoints. Pod-to-pod traffic on one node is
// forwarded too (pods have a /32 and an on-link default route via the bridge), while the
// node's own traffic to its pods (probes) leaves through output and is never filtered here.
export const FORWARD_PRIORITY = PRIORITY.filter;

export const FORWARD_CHAIN: { spec: ChainSpec; rules: RuleText[] } = {
  spec: { name: CHAIN.forward, base: { type: 'filter', hook: 'forward', priority: FORWARD_PRIORITY, policy: 'accept' } },
  rules: [
    // Replies and packets of connections that were allowed when they started always pass,
    // so a policy change never breaks an established connection.
    rule`ct state established,related accept`,
    // Egress first: its group chains `return` when allowed, so ingress is checked next.
    rule`ip saddr vmap ${setRef(SET.egressPods)}`,
    rule`ip daddr vmap ${setRef(SET.ingressPods)}`,
  ],
};

export function groupRules(direction: 'ingress' | 'egress', anySet: string, portsSet: string): RuleText[] {
  if (direction === 'ingress') {
    return [rule`ip saddr ${setRef(anySet)} accept`, rule`ip saddr . meta l4proto . th dport ${setRef(portsSet)} accept`, rule`drop`];
  }
  return [rule`ip daddr ${setRef(anySet)} return`, rule`ip daddr . meta l4proto . th dport ${setRef(portsSet)} return`, rule`drop`];
}

