// The answer to one question from a ClusterView, following the Kubernetes DNS-Based
// Service Discovery spec 1.1.0. Pure: no I/O, no clock; the server does the rest.
import { CLASS, RCODE, TYPE, addressFromReverse, lowerName, trimDot } from '@svcnet/dns-message';
import type { Question, ResourceRecord } from '@svcnet/dns-message';
import type { ClusterView, EndpointInfo, ServiceInfo } from './view';
import { endpointLabel, ipFromDashed, isIPv6, serviceFQDN } from './names';

export const SCHEMA_VERSION = '1.1.0';

export interface AnswerConfig {
  zone: string;
  ttl: number;
  /** SOA serial; the server bumps it when the view changes */
  serial?: number;
  /** addresses of ns.dns.<zone> (the DNS service IPs), if known */
  nsAddresses?: string[];
  /**
   * Pod records <a-b-c-d>.<ns>.pod.<zone>. "insecure" (default) answers for any address,
   * as spec 1.1.0 section 2.6 requires; "verified" only for IPs of pods in that
   * namespace (CoreDNS "pods verified"); "disabled" never.
   */
  pods?: 'verified' | 'insecure' | 'disabled';
}

export interface Answer {
  rcode: number;
  /** authoritative (always true for names we answer) */
  aa: boolean;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

export const DEFAULT_CONFIG: AnswerConfig = { zone: 'cluster.local', ttl: 5, pods: 'insecure' };

type Ctx = { q: Question; view: ClusterView; cfg: AnswerConfig; zone: string; ttl: number };

/**
 * Answer a question. Returns undefined when the name is not ours (outside the zone,
 * or a reverse name of an IP we do not know): the server forwards those upstream.
 */
export function answer(q: Question, view: ClusterView, config: Partial<AnswerConfig> = {}): Answer | undefined {
  const cfg = { ...DEFAULT_CONFIG, ...config };
  const zone = lowerName(trimDot(cfg.zone));
  const ctx: Ctx = { q, view, cfg, zone, ttl: cfg.ttl };
  const name = lowerName(trimDot(q.name));
  if (name !== zone && !name.endsWith('.' + zone)) return reverse(ctx, name);
  if (q.class !== CLASS.IN && q.class !== CLASS.ANY) return result(ctx, RCODE.REFUSED, []);
  const rel = name === zone ? [] : name.slice(0, -(zone.length + 1)).split('.');
  return inZone(ctx, rel);
}

function inZone(ctx: Ctx, labels: string[]): Answer {
  const { q } = ctx;
  if (labels.length === 0) {
    const out: ResourceRecord[] = [];
    if (wants(q.type, TYPE.SOA)) out.push(soa(ctx, q.name));
    if (wants(q.type, TYPE.NS)) out.push({ name: q.name, class: CLASS.IN, ttl: ctx.ttl, type: 'NS', target: nsName(ctx) });
    const extra = q.type === TYPE.NS ? nsGlue(ctx) : [];
    return result(ctx, RCODE.NOERROR, out, extra);
  }
  const last = labels[labels.length - 1];
  const rest = labels.slice(0, -1);
  if (labels.length === 1 && last === 'dns-version') {
    return result(ctx, RCODE.NOERROR, wants(q.type, TYPE.TXT) ? [{ name: q.name, class: CLASS.IN, ttl: ctx.ttl, type: 'TXT', texts: [SCHEMA_VERSION] }] : []);
  }
  if (last === 'svc') return svc(ctx, rest);
  if (last === 'pod') return pod(ctx, rest);
  if (last === 'dns') {
    if (rest.length === 0) return nodata(ctx);
    if (rest.length === 1 && rest[0] === 'ns') return result(ctx, RCODE.NOERROR, addressRecords(ctx, q.name, ctx.cfg.nsAddresses ?? []));
  }
  return nxdomain(ctx);
}

// <svc>.<ns>.svc.<zone>, <ep>.<svc>.<ns>.svc.<zone>, _<port>._<proto>.<svc>.<ns>.svc.<zone>
function svc(ctx: Ctx, labels: string[]): Answer {
  const { view } = ctx;
  const n = labels.length;
  if (n === 0) return nodata(ctx);
  const ns = labels[n - 1];
  if (n === 1) return view.namespaceExists(ns) ? nodata(ctx) : nxdomain(ctx);
  const s = view.service(ns, labels[n - 2]);
  if (!s) return nxdomain(ctx);
  if (n === 2) return serviceName(ctx, s);
  if (s.kind === 'ExternalName') return nxdomain(ctx);
  if (n === 3) {
    const l = labels[0];
    if (l.startsWith('_')) {
      // _tcp.<svc>...: an empty non-terminal when some named port uses that protocol
      const proto = l.slice(1).toUpperCase();
      return portsOf(ctx, s).some((p) => p.name && p.protocol === proto) ? nodata(ctx) : nxdomain(ctx);
    }
    if (s.kind !== 'Headless') return nxdomain(ctx);
    const eps = published(ctx, s).filter((e) => endpointLabel(e) === l);
    if (eps.length === 0) return nxdomain(ctx);
    return result(ctx, RCODE.NOERROR, addressRecords(ctx, ctx.q.name, eps.map((e) => e.ip)));
  }
  if (n === 4 && labels[0].startsWith('_') && labels[1].startsWith('_')) {
    const srv = srvRecords(ctx, s, labels[0].slice(1), labels[1].slice(1).toUpperCase());
    if (!srv) return nxdomain(ctx);
    if (ctx.q.type !== TYPE.SRV && ctx.q.type !== TYPE.ANY) return nodata(ctx);
    return result(ctx, RCODE.NOERROR, srv.answers, srv.additional);
  }
  return nxdomain(ctx);
}

function serviceName(ctx: Ctx, s: ServiceInfo): Answer {
  const { q } = ctx;
  if (s.kind === 'ExternalName') {
    // Every type gets the CNAME; the server chases the target upstream.
    return result(ctx, RCODE.NOERROR, [{ name: q.name, class: CLASS.IN, ttl: ctx.ttl, type: 'CNAME', target: trimDot(s.externalName ?? '') }]);
  }
  if (s.kind === 'Headless') {
    const eps = published(ctx, s);
    // Spec: a headless service without (published) endpoints has no records at all.
    if (eps.length === 0) return nxdomain(ctx);
    if (q.type === TYPE.SRV) return srvAll(ctx, s);
    return result(ctx, RCODE.NOERROR, addressRecords(ctx, q.name, eps.map((e) => e.ip)));
  }
  if (q.type === TYPE.SRV) return srvAll(ctx, s);
  return result(ctx, RCODE.NOERROR, addressRecords(ctx, q.name, s.clusterIPs));
}

/** SRV at the service name itself: one per named port (CoreDNS does the same). */
function srvAll(ctx: Ctx, s: ServiceInfo): Answer {
  const answers: ResourceRecord[] = [];
  const additional: ResourceRecord[] = [];
  const seen = new Set<string>();
  for (const p of portsOf(ctx, s)) {
    if (!p.name || seen.has(`${p.name}/${p.protocol}`)) continue;
    seen.add(`${p.name}/${p.protocol}`);
    const r = srvRecords(ctx, s, p.name, p.protocol, ctx.q.name);
    if (r) {
      answers.push(...r.answers);
      for (const a of r.additional) if (!additional.some((x) => x.name === a.name && sameData(x, a))) additional.push(a);
    }
  }
  return result(ctx, RCODE.NOERROR, answers, additional);
}

function srvRecords(ctx: Ctx, s: ServiceInfo, portName: string, proto: string, owner = ctx.q.name): { answers: ResourceRecord[]; additional: ResourceRecord[] } | undefined {
  const match = (p: { name?: string; protocol: string }) => p.name !== undefined && p.name.toLowerCase() === portName && p.protocol === proto;
  const fqdn = serviceFQDN(s.namespace, s.name, ctx.zone);
  if (s.kind === 'ClusterIP') {
    const p = s.ports.find(match);
    if (!p) return undefined;
    return {
      answers: [{ name: owner, class: CLASS.IN, ttl: ctx.ttl, type: 'SRV', priority: 0, weight: 100, port: p.port, target: fqdn }],
      additional: addressRecords(ctx, fqdn, s.clusterIPs, true),
    };
  }
  const answers: ResourceRecord[] = [];
  const additional: ResourceRecord[] = [];
  for (const e of published(ctx, s)) {
    const p = e.ports.find(match);
    if (!p) continue;
    const target = `${endpointLabel(e)}.${fqdn}`;
    answers.push({ name: owner, class: CLASS.IN, ttl: ctx.ttl, type: 'SRV', priority: 0, weight: 100, port: p.port, target });
    additional.push(...addressRecords(ctx, target, [e.ip], true));
  }
  if (answers.length === 0) {
    // The port exists on the service but no endpoint serves it yet: the name exists.
    return s.ports.some(match) ? { answers, additional } : undefined;
  }
  return { answers, additional };
}

// <a-b-c-d>.<ns>.pod.<zone>
function pod(ctx: Ctx, labels: string[]): Answer {
  if (ctx.cfg.pods === 'disabled') return nxdomain(ctx);
  if (labels.length === 0) return nodata(ctx);
  const ns = labels[labels.length - 1];
  if (labels.length === 1) return ctx.view.namespaceExists(ns) ? nodata(ctx) : nxdomain(ctx);
  if (labels.length !== 2) return nxdomain(ctx);
  const ip = ipFromDashed(labels[0]);
  if (!ip) return nxdomain(ctx);
  if (ctx.cfg.pods === 'verified' && !ctx.view.podIPExists(ns, ip)) return nxdomain(ctx);
  return result(ctx, RCODE.NOERROR, addressRecords(ctx, ctx.q.name, [ip]));
}

// PTR for service IPs and headless endpoint IPs; other reverse names are not ours.
function reverse(ctx: Ctx, name: string): Answer | undefined {
  const ip = addressFromReverse(name);
  if (!ip) return undefined;
  const targets: string[] = [];
  for (const s of ctx.view.servicesByIP(ip)) targets.push(serviceFQDN(s.namespace, s.name, ctx.zone));
  for (const { service, endpoint } of ctx.view.endpointsByIP(ip)) {
    if (service.kind !== 'Headless') continue;
    if (!endpoint.ready && !service.publishNotReadyAddresses) continue;
    targets.push(`${endpointLabel(endpoint)}.${serviceFQDN(service.namespace, service.name, ctx.zone)}`);
  }
  if (targets.length === 0) return undefined;
  if (ctx.q.type !== TYPE.PTR && ctx.q.type !== TYPE.ANY) return { rcode: RCODE.NOERROR, aa: true, answers: [], authority: [], additional: [] };
  const uniq = [...new Set(targets)].sort();
  return {
    rcode: RCODE.NOERROR,
    aa: true,
    answers: uniq.map((t) => ({ name: ctx.q.name, class: CLASS.IN, ttl: ctx.ttl, type: 'PTR' as const, target: t })),
    authority: [],
    additional: [],
  };
}

function published(ctx: Ctx, s: ServiceInfo): EndpointInfo[] {
  const eps = ctx.view.endpointsOf(s.namespace, s.name);
  return s.publishNotReadyAddresses ? eps : eps.filter((e) => e.ready);
}

function portsOf(ctx: Ctx, s: ServiceInfo) {
  return s.kind === 'Headless' ? [...s.ports, ...published(ctx, s).flatMap((e) => e.ports)] : s.ports;
}

/** A/AAAA records of the family the question asks for (both for ANY, or when forced for glue). */
function addressRecords(ctx: Ctx, owner: string, ips: string[], glue = false): ResourceRecord[] {
  const t = ctx.q.type;
  const out: ResourceRecord[] = [];
  const seen = new Set<string>();
  for (const ip of ips) {
    if (seen.has(ip)) continue;
    seen.add(ip);
    if (isIPv6(ip)) {
      if (glue || wants(t, TYPE.AAAA)) out.push({ name: owner, class: CLASS.IN, ttl: ctx.ttl, type: 'AAAA', address: ip });
    } else if (glue || wants(t, TYPE.A)) {
      out.push({ name: owner, class: CLASS.IN, ttl: ctx.ttl, type: 'A', address: ip });
    }
  }
  return out;
}

function wants(qtype: number, t: number): boolean {
  return qtype === t || qtype === TYPE.ANY;
}

function nsName(ctx: Ctx): string {
  return `ns.dns.${ctx.zone}`;
}

function nsGlue(ctx: Ctx): ResourceRecord[] {
  return addressRecords(ctx, nsName(ctx), ctx.cfg.nsAddresses ?? [], true);
}

function soa(ctx: Ctx, owner = ctx.zone): ResourceRecord {
  return {
    name: owner,
    class: CLASS.IN,
    ttl: ctx.ttl,
    type: 'SOA',
    mname: nsName(ctx),
    rname: `hostmaster.${ctx.zone}`,
    serial: ctx.cfg.serial ?? 1,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: ctx.ttl,
  };
}

function sameData(a: ResourceRecord, b: ResourceRecord): boolean {
  return a.type === b.type && 'address' in a && 'address' in b && a.address === b.address;
}

function nxdomain(ctx: Ctx): Answer {
  return result(ctx, RCODE.NXDOMAIN, []);
}

function nodata(ctx: Ctx): Answer {
  return result(ctx, RCODE.NOERROR, []);
}

/** Negative answers (NXDOMAIN and NODATA) carry the zone SOA so resolvers can cache them (RFC 2308). */
function result(ctx: Ctx, rcode: number, answers: ResourceRecord[], additional: ResourceRecord[] = []): Answer {
  const negative = rcode === RCODE.NXDOMAIN || (rcode === RCODE.NOERROR && answers.length === 0);
  return { rcode, aa: rcode !== RCODE.REFUSED, answers, authority: negative ? [soa(ctx)] : [], additional };
}
