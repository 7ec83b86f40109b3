// Kubernetes' NetworkPolicy semantics, compiled for the pods of one node: which local pods are
// isolated in which direction, and what each of them allows (the union of the rules of every
// policy that selects it). Pods whose applicable rules are the same share one group, so the
// kernel holds one chain and two sets per distinct rule combination, not per pod.
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '@svcnet/api-types';
import { labelSelectorRequirements, matchesRequirements, type Requirement } from '@svcnet/selectors';
import { ALL_ADDRESSES, cidrRange, hostRange, normalize, subtract, unionRanges, type Range } from './address-ranges';
import { AllowBuilder, type AllowSet } from './allow-set';
import { resolveNamedPort, type PolicyPod } from './policy-pod';

export type Direction = 'ingress' | 'egress';

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

export interface PolicyInput {
  policies: NetworkPolicy[];
  /** every pod of the cluster that takes part (see policyPod) */
  pods: PolicyPod[];
  namespaces: NamespaceInfo[];
  nodeName: string;
}

export interface PolicyGroup {
  direction: Direction;
  /** the rules it is made of, "ns/policy#ingress[i]" plus resolved named ports: the group's identity */
  key: string[];
  allow: AllowSet;
}

export interface CompiledPolicies {
  /** local pod IP -> group id, for pods isolated in that direction */
  ingress: Map<string, string>;
  egress: Map<string, string>;
  groups: Map<string, PolicyGroup>;
}

/** One peer list of one rule, resolved against the cluster once (it does not depend on the target). */
interface ResolvedRule {
  id: string;
  /** all addresses the rule's peers cover (pods as /32, ipBlocks minus except) */
  addrs: Range[];
  /** the pods among the peers, for egress named ports (computed on first use) */
  peerPods: () => PolicyPod[];
  ports: NetworkPolicyPort[];
}

interface ResolvedPolicy {
  policy: NetworkPolicy;
  selector: Requirement[];
  ingress?: ResolvedRule[];
  egress?: ResolvedRule[];
}

const SEP = '\u0000';

export function compilePolicies(input: PolicyInput): CompiledPolicies {
  const nsLabels = new Map(input.namespaces.map((n) => [n.name, n.labels]));
  const pods = new PodIndex(input.pods);
  const local = new PodIndex(input.pods.filter((p) => p.nodeName === input.nodeName));
  const ctx: PeerContext = { nsLabels, pods, peerCache: new Map(), ruleCache: new Map(), nsCache: new Map() };

  // Per local pod: the rules that apply, per direction (undefined: not isolated).
  const perPod = new Map<PolicyPod, { ingress?: { rule: ResolvedRule; target: PolicyPod }[]; egress?: ResolvedRule[] }>();
  const sorted = [...input.policies].sort((a, b) => policyId(a).localeCompare(policyId(b)));
  for (const np of sorted) {
    const ns = np.metadata.namespace ?? 'default';
    if (!local.has(ns)) continue;
    const selector = labelSelectorRequirements(np.spec?.podSelector);
    const types = np.spec?.policyTypes?.length ? np.spec.policyTypes : np.spec?.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
    let resolved: ResolvedPolicy | undefined;
    for (const pod of local.select(ns, selector)) {
      resolved ??= resolvePolicy(np, selector, types, ctx);
      let entry = perPod.get(pod);
      if (!entry) perPod.set(pod, (entry = {}));
      if (resolved.ingress) (entry.ingress ??= []).push(...resolved.ingress.map((rule) => ({ rule, target: pod })));
      if (resolved.egress) (entry.egress ??= []).push(...resolved.egress);
    }
  }

  const out: CompiledPolicies = { ingress: new Map(), egress: new Map(), groups: new Map() };
  for (const [pod, entry] of perPod) {
    if (entry.ingress) {
      const key = entry.ingress.map(({ rule, target }) => ingressKey(rule, target));
      const id = groupId('ingress', key);
      if (!out.groups.has(id)) out.groups.set(id, { direction: 'ingress', key, allow: ingressAllow(entry.ingress) });
      out.ingress.set(pod.ip, id);
    }
    if (entry.egress) {
      const key = entry.egress.map((r) => r.id);
      const id = groupId('egress', key);
      if (!out.groups.has(id)) out.groups.set(id, { direction: 'egress', key, allow: egressAllow(entry.egress) });
      out.egress.set(pod.ip, id);
    }
  }
  return out;
}

function policyId(np: NetworkPolicy): string {
  return `${np.metadata.namespace ?? 'default'}/${np.metadata.name ?? ''}`;
}

function groupId(direction: Direction, key: string[]): string {
  return `${direction}${SEP}${key.join(SEP)}`;
}

/** Named ports resolve on the target pod, so they are part of an ingress group's identity. */
function ingressKey(rule: ResolvedRule, target: PolicyPod): string {
  const named = rule.ports.filter((p) => typeof p.port === 'string').map((p) => `${p.port}=${resolveNamedPort(target, p.port as string, p.protocol ?? 'TCP') ?? '-'}`);
  return named.length ? `${rule.id}[${named.join(',')}]` : rule.id;
}

/**
 * The pods of a compile, by namespace and by namespace + label key=value, in input order: a
 * selector is evaluated only against the pods of its most selective single-value requirement.
 */
class PodIndex {
  private readonly byNs = new Map<string, PolicyPod[]>();
  private readonly byLabel = new Map<string, Map<string, Map<string, PolicyPod[]>>>();
  private all?: PolicyPod[];

  constructor(pods: readonly PolicyPod[]) {
    for (const p of pods) {
      let list = this.byNs.get(p.namespace);
      if (!list) this.byNs.set(p.namespace, (list = []));
      list.push(p);
    }
  }

  has(ns: string): boolean {
    return !!this.byNs.get(ns)?.length;
  }

  /** every pod, namespace by namespace (the order of the first pod of each namespace) */
  flat(): PolicyPod[] {
    return (this.all ??= [...this.byNs.values()].flat());
  }

  /** the pods of ns matching reqs, in input order */
  select(ns: string, reqs: Requirement[]): PolicyPod[] {
    const pods = this.byNs.get(ns);
    if (!pods) return [];
    let candidates = pods;
    for (const r of reqs) {
      if (r.op !== 'in' || r.values.length !== 1) continue;
      const c = this.labelIndex(ns, pods, r.key).get(r.values[0]) ?? [];
      if (c.length < candidates.length) candidates = c;
      if (!candidates.length) return [];
    }
    return candidates.filter((p) => matchesRequirements(reqs, p.labels));
  }

  private labelIndex(ns: string, pods: PolicyPod[], key: string): Map<string, PolicyPod[]> {
    let perKey = this.byLabel.get(ns);
    if (!perKey) this.byLabel.set(ns, (perKey = new Map()));
    let idx = perKey.get(key);
    if (idx) return idx;
    idx = new Map();
    for (const p of pods) {
      if (!Object.prototype.hasOwnProperty.call(p.labels, key)) continue;
      const v = p.labels[key];
      let list = idx.get(v);
      if (!list) idx.set(v, (list = []));
      list.push(p);
    }
    perKey.set(key, idx);
    return idx;
  }
}

/** A pod's address as a number, parsed once per pod object. */
const podAddress = new WeakMap<PolicyPod, Range | null>();
function podRange(p: PolicyPod): Range | undefined {
  let r = podAddress.get(p);
  if (r === undefined) podAddress.set(p, (r = hostRange(p.ip) ?? null));
  return r ?? undefined;
}

interface PeerContext {
  nsLabels: Map<string, Record<string, string>>;
  pods: PodIndex;
  /** (namespace, namespaceSelector, podSelector) -> the pods and their addresses (normalized) */
  peerCache: Map<string, { addrs: Range[]; pods: PolicyPod[] }>;
  /** (namespace, peers) -> a rule's addresses and peer pods: rules with the same peers share them */
  ruleCache: Map<string, { addrs: Range[]; peerPods: () => PolicyPod[] }>;
  /** namespaceSelector -> the namespaces it selects */
  nsCache: Map<string, string[]>;
}

function resolvePolicy(np: NetworkPolicy, selector: Requirement[], types: string[], ctx: PeerContext): ResolvedPolicy {
  const ns = np.metadata.namespace ?? 'default';
  const id = policyId(np);
  const out: ResolvedPolicy = { policy: np, selector };
  if (types.includes('Ingress')) {
    out.ingress = (np.spec?.ingress ?? []).map((r, i) => resolveRule(`${id}#ingress[${i}]`, r.from, r.ports, ns, ctx));
  }
  if (types.includes('Egress')) {
    out.egress = (np.spec?.egress ?? []).map((r, i) => resolveRule(`${id}#egress[${i}]`, r.to, r.ports, ns, ctx));
  }
  return out;
}

function resolveRule(id: string, peers: NetworkPolicyPeer[] | undefined, ports: NetworkPolicyPort[] | undefined, ns: string, ctx: PeerContext): ResolvedRule {
  // No peers: every source/destination, pods or not.
  if (!peers?.length) {
    // Named ports then mean any pod that has one by that name.
    const named = (ports ?? []).some((p) => typeof p.port === 'string');
    return { id, addrs: ALL_ADDRESSES, peerPods: named ? () => ctx.pods.flat() : () => [], ports: ports ?? [] };
  }
  const cacheKey = `${ns}${SEP}${JSON.stringify(peers)}`;
  let hit = ctx.ruleCache.get(cacheKey);
  if (!hit) {
    const addrs: (readonly Range[])[] = [];
    const podLists: PolicyPod[][] = [];
    for (const peer of peers) {
      if (peer.ipBlock) {
        const whole = cidrRange(peer.ipBlock.cidr);
        if (!whole) continue;
        const except = normalize((peer.ipBlock.except ?? []).map(cidrRange).filter((r): r is Range => !!r));
        addrs.push(subtract([whole], except));
        continue;
      }
      const resolved = peerPods(peer, ns, ctx);
      podLists.push(resolved.pods);
      addrs.push(resolved.addrs);
    }
    let pods: PolicyPod[] | undefined;
    // the canonical form of the union, whatever the order and overlaps (as normalize)
    hit = { addrs: unionRanges(addrs), peerPods: () => (pods ??= [...new Set(podLists.flat())]) };
    ctx.ruleCache.set(cacheKey, hit);
  }
  return { id, addrs: hit.addrs, peerPods: hit.peerPods, ports: ports ?? [] };
}

/** Pods a podSelector / namespaceSelector peer names: podSelector alone means the policy's namespace; both together are ANDed. */
function peerPods(peer: NetworkPolicyPeer, ns: string, ctx: PeerContext): { addrs: Range[]; pods: PolicyPod[] } {
  const nsKey = JSON.stringify(peer.namespaceSelector ?? null);
  // a namespaceSelector does not depend on the policy's namespace
  const cacheKey = `${peer.namespaceSelector ? '' : ns}${SEP}${nsKey}${SEP}${JSON.stringify(peer.podSelector ?? null)}`;
  const hit = ctx.peerCache.get(cacheKey);
  if (hit) return hit;
  const podReqs = peer.podSelector ? labelSelectorRequirements(peer.podSelector) : [];
  let namespaces: string[];
  if (peer.namespaceSelector) {
    namespaces = ctx.nsCache.get(nsKey) ?? [];
    if (!ctx.nsCache.has(nsKey)) {
      const nsReqs = labelSelectorRequirements(peer.namespaceSelector);
      for (const [name, labels] of ctx.nsLabels) if (matchesRequirements(nsReqs, labels)) namespaces.push(name);
      ctx.nsCache.set(nsKey, namespaces);
    }
  } else namespaces = [ns];
  const pods: PolicyPod[] = [];
  const addrs: Range[] = [];
  for (const n of namespaces) {
    for (const p of ctx.pods.select(n, podReqs)) {
      pods.push(p);
      const r = podRange(p);
      if (r) addrs.push(r);
    }
  }
  const out = { addrs: normalize(addrs), pods };
  ctx.peerCache.set(cacheKey, out);
  return out;
}

/** [protocol, first, last] of a rule port on a given destination pod; undefined when a named port does not exist there. */
function portSpan(p: NetworkPolicyPort, dest: PolicyPod | undefined): [string, number, number] | undefined {
  const protocol = (p.protocol ?? 'TCP').toLowerCase();
  if (p.port === undefined || p.port === null) return [protocol, 0, 65535];
  if (typeof p.port === 'number') return [protocol, p.port, p.endPort ?? p.port];
  const n = dest ? resolveNamedPort(dest, p.port, p.protocol ?? 'TCP') : undefined;
  return n === undefined ? undefined : [protocol, n, n];
}

function ingressAllow(rules: { rule: ResolvedRule; target: PolicyPod }[]): AllowSet {
  const b = new AllowBuilder();
  for (const { rule, target } of rules) {
    if (!rule.ports.length) {
      b.allowAll(rule.addrs);
      continue;
    }
    for (const p of rule.ports) {
      const span = portSpan(p, target);
      if (span) b.allowPorts({ addrs: rule.addrs, protocol: span[0], ports: [span[1], span[2]] });
    }
  }
  return b.build();
}

function egressAllow(rules: ResolvedRule[]): AllowSet {
  const b = new AllowBuilder();
  for (const rule of rules) {
    if (!rule.ports.length) {
      b.allowAll(rule.addrs);
      continue;
    }
    for (const p of rule.ports) {
      if (typeof p.port !== 'string') {
        const span = portSpan(p, undefined)!;
        b.allowPorts({ addrs: rule.addrs, protocol: span[0], ports: [span[1], span[2]] });
        continue;
      }
      // A named port means what each destination pod calls it; ipBlock addresses have no names.
      for (const dest of rule.peerPods()) {
        const span = portSpan(p, dest);
        const r = hostRange(dest.ip);
        if (span && r) b.allowPorts({ addrs: [r], protocol: span[0], ports: [span[1], span[2]] });
      }
    }
  }
  return b.build();
}
