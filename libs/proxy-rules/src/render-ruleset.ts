// renderRuleset: the whole desired table from Services, EndpointSlices and node facts.
// Pure and deterministic (same input, same output), so it can be diffed and golden-tested.
import {
  DROP,
  cidr,
  concat,
  element,
  gotoChain,
  ipv4,
  mapEntry,
  num,
  port,
  proto,
  ref,
  rule,
  setRef,
  type RuleText,
} from '@svcnet/nftables';
import { BASE_CHAINS, BASE_SETS, CHAIN, SET } from './base-chains';
import { affinitySet, clusterChain, endpointChain, externalChain, firewallChain, localChain, serviceChain } from './chain-names';
import { endpointsFor, slicesByService, usable, type EndpointInfo } from './endpoints';
import { DEFAULT_TABLE, SERVICE_PROXY_NAME_LABEL, type ProxyState } from './proxy-state';
import type { EndpointSlice, Service } from '@svcnet/api-types';
import { RulesetBuilder, type Fragment, type Ruleset } from './ruleset';
import { hasExternalDestinations, servicePorts, type ServicePortInfo } from './service-ports';

// RenderCache keeps each Service's rendered fragment with a fingerprint of its inputs, so a
// sync after a small change re-renders only the Services that changed (the node-agent keeps
// one across syncs; the output is identical with or without it).
export class RenderCache {
  private entries = new Map<string, { fingerprint: string; fragment: Fragment }>();
  private seen = new Set<string>();
  private hits = 0;
  private misses = 0;
  // Of the last render: Services replayed, and rendered anew.
  lastHits = 0;
  lastMisses = 0;

  get(key: string, fingerprint: string): Fragment | undefined {
    this.seen.add(key);
    const e = this.entries.get(key);
    if (e && e.fingerprint === fingerprint) {
      this.hits++;
      return e.fragment;
    }
    this.misses++;
    return undefined;
  }

  set(key: string, fingerprint: string, fragment: Fragment): void {
    this.entries.set(key, { fingerprint, fragment });
  }

  // Forget Services not rendered since the last call.
  sweep(): void {
    for (const k of this.entries.keys()) if (!this.seen.has(k)) this.entries.delete(k);
    this.seen = new Set();
    this.lastHits = this.hits;
    this.lastMisses = this.misses;
    this.hits = this.misses = 0;
  }
}

export function renderRuleset(state: ProxyState, cache?: RenderCache): Ruleset {
  const b = new RulesetBuilder('ip', state.tableName ?? DEFAULT_TABLE);
  for (const decl of BASE_CHAINS) b.chain(decl.spec, decl.rules);
  for (const s of BASE_SETS) b.set(s);
  for (const c of state.clusterCIDRs) b.addElement(SET.clusterCIDRs, element(cidr(c)));

  const slices = slicesByService(state.endpointSlices);
  const services = [...state.services].sort((x, y) =>
    byKey(x) < byKey(y) ? -1 : byKey(x) > byKey(y) ? 1 : 0,
  );
  for (const svc of services) {
    const key = byKey(svc);
    const own = slices.get(`${svc.metadata.namespace ?? 'default'}/${svc.metadata.name ?? ''}`) ?? [];
    const render = () => {
      for (const sp of servicePorts(svc)) renderServicePort(b, sp, endpointsFor(sp, own), state.nodeName);
    };
    if (!cache) {
      render();
      continue;
    }
    const fp = fingerprint(svc, own, state.nodeName);
    const hit = cache.get(key, fp);
    if (hit) b.replay(hit);
    else cache.set(key, fp, b.record(render));
  }
  if (cache) cache.sweep();
  return b.build();
}

function renderServicePort(b: RulesetBuilder, sp: ServicePortInfo, eps: EndpointInfo[], nodeName: string): void {
  const all = usable(eps);
  // Local endpoints fall back to serving+terminating on their own, as in kube-proxy.
  const local = usable(eps.filter((e) => e.nodeName === nodeName));
  const internal = sp.internalPolicyLocal ? local : all;
  const p = proto(sp.protocol);
  const rejectVerdict = gotoChain(CHAIN.reject);

  let service: string | undefined;
  if (sp.clusterIP) {
    const key = concat(ipv4(sp.clusterIP), p, port(sp.port));
    if (internal.length > 0) {
      service = serviceChain(sp);
      b.chain({ name: service }, [
        // Off-cluster sources (the node itself, other hosts) are masqueraded so replies
        // come back through this node; pod sources are kept as they are.
        rule`ip daddr ${ipv4(sp.clusterIP)} ip saddr != ${setRef(SET.clusterCIDRs)} jump ${ref(CHAIN.markForMasquerade)}`,
        ...selectionRules(b, sp, internal),
      ]);
      b.addElement(SET.serviceIPs, element(key, gotoChain(service)));
    } else {
      // No endpoints at all: reject. Endpoints exist but none local (policy Local): drop.
      b.addElement(SET.noEndpointServices, element(key, all.length === 0 ? rejectVerdict : DROP));
    }
  }

  if (!hasExternalDestinations(sp)) return;
  if (sp.loadBalancerIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0) {
    const fw = firewallChain(sp);
    b.chain({ name: fw }, [rule`ip saddr != { ${sp.loadBalancerSourceRanges.map(cidr)} } drop`]);
    for (const lb of sp.loadBalancerIPs) b.addElement(SET.firewallIPs, element(concat(ipv4(lb), p, port(sp.port)), gotoChain(fw)));
  }
  const externalKeys = [...sp.externalIPs, ...sp.loadBalancerIPs].map((ip) => concat(ipv4(ip), p, port(sp.port)));
  const nodePortKey = sp.nodePort !== undefined ? concat(p, port(sp.nodePort)) : undefined;
  if (all.length === 0) {
    for (const k of externalKeys) b.addElement(SET.noEndpointServices, element(k, rejectVerdict));
    if (nodePortKey) b.addElement(SET.noEndpointNodePorts, element(nodePortKey, rejectVerdict));
    return;
  }
  const toAll = service && !sp.internalPolicyLocal ? service : selectionChain(b, clusterChain(sp), sp, all);
  const external = externalChain(sp);
  let rules: RuleText[];
  if (!sp.externalPolicyLocal) {
    rules = [rule`jump ${ref(CHAIN.markForMasquerade)}`, rule`goto ${ref(toAll)}`];
  } else {
    rules = [
      // Pods reaching an external address are cluster traffic: any endpoint, no masquerade.
      rule`ip saddr ${setRef(SET.clusterCIDRs)} goto ${ref(toAll)}`,
      // The node itself (e.g. curl to its own NodePort): masquerade so replies return.
      rule`fib saddr type local jump ${ref(CHAIN.markForMasquerade)}`,
      rule`fib saddr type local goto ${ref(toAll)}`,
    ];
    if (local.length > 0) {
      const toLocal = service && sp.internalPolicyLocal ? service : selectionChain(b, localChain(sp), sp, local);
      // External clients keep their source IP: no mark, local endpoints only.
      rules.push(rule`goto ${ref(toLocal)}`);
    } else {
      rules.push(rule`drop`);
    }
  }
  b.chain({ name: external }, rules);
  for (const k of externalKeys) b.addElement(SET.serviceIPs, element(k, gotoChain(external)));
  if (nodePortKey) b.addElement(SET.serviceNodePorts, element(nodePortKey, gotoChain(external)));
}

function selectionChain(b: RulesetBuilder, name: string, sp: ServicePortInfo, eps: EndpointInfo[]): string {
  if (!b.hasChain(name)) b.chain({ name }, selectionRules(b, sp, eps));
  return name;
}

// Affinity first (a client seen recently goes back to its endpoint), then a random pick.
function selectionRules(b: RulesetBuilder, sp: ServicePortInfo, eps: EndpointInfo[]): RuleText[] {
  const chains = eps.map((ep) => ensureEndpoint(b, sp, ep));
  const rules: RuleText[] = [];
  if (sp.affinityTimeoutSeconds !== undefined) {
    eps.forEach((ep, i) => {
      rules.push(rule`ip saddr ${setRef(affinitySet(sp, ep, sp.affinityTimeoutSeconds!))} goto ${ref(chains[i])}`);
    });
  }
  if (chains.length <= LINEAR_PICK_MAX) {
    // Rule i takes endpoint i with probability 1/(N-i) (the last one always): uniform, and no
    // set. Every anonymous `vmap { }` is a set in the table, and the kernel scans all sets of
    // the table to name each new one, so one per Service made a full load quadratic.
    chains.forEach((c, i) => {
      const left = chains.length - i;
      rules.push(left === 1 ? rule`goto ${ref(c)}` : rule`numgen random mod ${num(left)} 0 goto ${ref(c)}`);
    });
    return rules;
  }
  // Many endpoints: one O(1) lookup instead of a long list of rules (such Services are few).
  const entries = chains.map((c, i) => mapEntry(num(i), gotoChain(c)));
  rules.push(rule`numgen random mod ${num(chains.length)} vmap { ${entries} }`);
  return rules;
}

// Up to this many endpoints a selection chain picks with a list of numgen rules, beyond it with
// an anonymous verdict map (see selectionRules).
export const LINEAR_PICK_MAX = 16;

function ensureEndpoint(b: RulesetBuilder, sp: ServicePortInfo, ep: EndpointInfo): string {
  const name = endpointChain(sp, ep);
  if (b.hasChain(name)) return name;
  const rules: RuleText[] = [
    // Hairpin: a pod reaching itself through the service must be masqueraded, or it would
    // answer itself directly and the client socket would not recognise the reply.
    rule`ip saddr ${ipv4(ep.ip)} jump ${ref(CHAIN.markForMasquerade)}`,
  ];
  if (sp.affinityTimeoutSeconds !== undefined) {
    const set = affinitySet(sp, ep, sp.affinityTimeoutSeconds);
    b.set({ name: set, kind: 'set', typeOf: 'ip saddr', flags: ['dynamic', 'timeout'], timeoutSeconds: sp.affinityTimeoutSeconds });
    rules.push(rule`update ${setRef(set)} { ip saddr }`);
  }
  rules.push(rule`meta l4proto ${proto(sp.protocol)} dnat to ${ipv4(ep.ip)}:${port(ep.port)}`);
  b.chain({ name }, rules);
  if (sp.protocol === 'udp') {
    b.addUdpEndpoint({
      servicePortName: sp.servicePortName,
      frontendIPs: [...(sp.clusterIP ? [sp.clusterIP] : []), ...sp.externalIPs, ...sp.loadBalancerIPs],
      port: sp.port,
      ...(sp.nodePort !== undefined ? { nodePort: sp.nodePort } : {}),
      endpointIP: ep.ip,
      endpointPort: ep.port,
    });
  }
  return name;
}

// Everything of a Service and its slices that the rules depend on.
function fingerprint(svc: Service, slices: EndpointSlice[], nodeName: string): string {
  const sl = [...slices]
    .sort((x, y) => ((x.metadata.name ?? '') < (y.metadata.name ?? '') ? -1 : 1))
    .map((s) => [s.addressType, s.ports, s.endpoints]);
  return JSON.stringify([nodeName, svc.metadata.labels?.[SERVICE_PROXY_NAME_LABEL], svc.spec, svc.status?.loadBalancer, sl]);
}

const byKey = (s: { metadata: { namespace?: string; name?: string } }) => `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`;
