// renderPolicyRuleset: compiled policies -> the desired content of the NetworkPolicy table, in
// proxy-rules' Ruleset shape, so the proxy's diff and expectedState apply unchanged.
import { assertValidName, concat, element, gotoChain, ipv4, ipv4Range, jumpChain, portRange, proto, shortHash } from '@svcnet/nftables';
import { RulesetBuilder, type Ruleset } from '@svcnet/proxy-rules';
import type { CompiledPolicies, PolicyGroup } from './compile';
import { ANY_SET_TYPE, BASE_SETS, DEFAULT_TABLE, FORWARD_CHAIN, PORTS_SET_TYPE, SET, groupRules } from './table-layout';

/** Chain name of a group: direction + hash of its identity + the first rule's policy, for humans. */
export function groupChainName(g: PolicyGroup): string {
  // No rules at all: every policy that denies everything shares this group.
  const first = g.key.length ? g.key[0].split('#')[0] : 'deny-all';
  const readable = first.toLowerCase().replace(/[^a-z0-9.-]/g, '_');
  return assertValidName(`${g.direction}-${shortHash(g.key.join('\u0000'))}-${readable}`.slice(0, 100).replace(/[/.-]+$/, ''), 'chain name');
}

export function renderPolicyRuleset(compiled: CompiledPolicies, table = DEFAULT_TABLE): Ruleset {
  const b = new RulesetBuilder('ip', table);
  b.chain(FORWARD_CHAIN.spec, FORWARD_CHAIN.rules);
  for (const s of BASE_SETS) b.set(s);
  const names = new Map<string, string>();
  const groups = [...compiled.groups.entries()].map(([id, g]) => ({ id, g, name: groupChainName(g) })).sort((x, y) => (x.name < y.name ? -1 : 1));
  for (const { id, g, name } of groups) {
    names.set(id, name);
    const anySet = `${name}-any`;
    const portsSet = `${name}-ports`;
    b.set({ name: anySet, kind: 'set', type: ANY_SET_TYPE, flags: ['interval'] }, g.allow.any.map(([lo, hi]) => element(ipv4Range(lo, hi))));
    b.set(
      { name: portsSet, kind: 'set', type: PORTS_SET_TYPE, flags: ['interval'] },
      g.allow.ports.map((p) => element(concat(ipv4Range(p.addr[0], p.addr[1]), proto(p.protocol), portRange(p.ports[0], p.ports[1])))),
    );
    b.chain({ name }, groupRules(g.direction, anySet, portsSet));
  }
  const byIP = (m: Map<string, string>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [ip, id] of byIP(compiled.ingress)) b.addElement(SET.ingressPods, element(ipv4(ip), gotoChain(names.get(id)!)));
  for (const [ip, id] of byIP(compiled.egress)) b.addElement(SET.egressPods, element(ipv4(ip), jumpChain(names.get(id)!)));
  return b.build();
}
