// One query in, one response out (or nothing, for packets we must not answer). Transport
// agnostic: the UDP and TCP servers and the fuzz test all call handle().
import { ClusterIndex, answer } from '@svcnet/dns-records';
import type { AnswerConfig, ClusterView } from '@svcnet/dns-records';
import {
  CLASS, DnsFormatError, OPCODE, RCODE, TYPE, MAX_EDNS_UDP_SIZE, DEFAULT_UDP_SIZE,
  decode, encode, isSubdomain, lowerName, responseTo, trimDot, typeName, rcodeName,
} from '@svcnet/dns-message';
import type { Message, Question, ResourceRecord } from '@svcnet/dns-message';
import type { Logger } from '@svcnet/observability';
import type { DnsMetrics, QuerySlot } from './metrics';
import { AnswerCache, dependencyOf, parseQuestion } from './answer-cache';
import type { CacheEntry, QuestionInfo } from './answer-cache';

export interface Resolver {
  resolve(q: Question): Promise<{ rcode: number; answers: ResourceRecord[]; authority: ResourceRecord[]; additional: ResourceRecord[]; fromCache?: boolean }>;
}

export interface HandlerOptions {
  view: () => ClusterView;
  config: () => Partial<AnswerConfig> & { zone: string };
  forwarder?: Resolver;
  metrics?: DnsMetrics;
  log?: Logger;
  /** largest UDP answer we send whatever the client advertises */
  maxUdpSize?: number;
  /**
   * Entries of the answer cache (encoded cluster answers reused per question, see
   * answer-cache.ts); used when the view is a ClusterIndex. 0 disables it.
   */
  answerCacheSize?: number;
}

export type Transport = 'udp' | 'tcp';
/** CoreDNS's "family" label: 1 for IPv4 clients, 2 for IPv6 */
export type Family = '1' | '2';

const MAX_CNAME_CHAIN = 8;
const KNOWN_TYPES = new Set<number>(Object.values(TYPE));
const PLUGIN: Record<string, string> = { cluster: 'kubernetes', forward: 'forward', cache: 'cache', error: '' };

const newQuestionInfo = (): QuestionInfo => ({ hash: 0, end: 0, nameEnd: 0, qtype: 0, edns: false, udpSize: 0 });

export class QueryHandler {
  private readonly cache?: AnswerCache;
  /** scratch for the synchronous fast path only */
  private readonly qi = newQuestionInfo();
  private readonly maxUdp: number;

  constructor(private readonly o: HandlerOptions) {
    this.maxUdp = o.maxUdpSize ?? MAX_EDNS_UDP_SIZE;
    const view = o.view();
    if (view instanceof ClusterIndex && o.answerCacheSize !== 0) this.cache = new AnswerCache({ index: view, maxEntries: o.answerCacheSize });
  }

  /** entries in the answer cache */
  get cachedAnswers(): number {
    return this.cache?.entries ?? 0;
  }

  /**
   * The fast path, synchronous: the cached answer for a plain query, or undefined when
   * the query needs handle() (not cached yet, changed, too big for the client, or not a
   * plain query). The sockets call this first.
   */
  handleFast(buf: Buffer, transport: Transport, family: Family = '1'): Buffer | undefined {
    const cache = this.cache;
    const q = this.qi;
    if (cache === undefined || !parseQuestion(buf, q)) return undefined;
    const started = performance.now();
    const e = cache.find(buf, q, transport === 'tcp' ? 65535 : q.edns ? Math.min(Math.max(q.udpSize, DEFAULT_UDP_SIZE), this.maxUdp) : DEFAULT_UDP_SIZE);
    if (e === undefined || this.o.view() !== cache.index) return undefined;
    const out = AnswerCache.respond(e, buf, q);
    const slot = this.entrySlot(e, transport, family);
    if (slot) slot.observe((performance.now() - started) / 1000);
    return out;
  }

  async handle(buf: Buffer, transport: Transport, family: Family = '1'): Promise<Buffer | undefined> {
    const fast = this.handleFast(buf, transport, family);
    if (fast !== undefined) return fast;
    const started = process.hrtime.bigint();
    // own copy: other queries reuse the scratch while this one awaits
    const qi = this.cache ? newQuestionInfo() : undefined;
    const cacheable = qi !== undefined && parseQuestion(buf, qi);
    let query: Message;
    try {
      query = decode(buf);
    } catch (e) {
      if (!(e instanceof DnsFormatError)) throw e;
      this.o.metrics?.malformed.inc({ proto: transport });
      return formErr(buf);
    }
    if (query.qr) return undefined; // never answer responses: that is how loops start
    let source = 'cluster';
    let resp: Message;
    let local = false;
    // versions the answer depends on, taken before it is computed
    const zone = lowerName(trimDot(this.o.config().zone));
    const name = query.questions.length === 1 ? lowerName(trimDot(query.questions[0].name)) : '';
    const svcDep = cacheable ? dependencyOf(name, zone, true) : 'index';
    const before = cacheable && this.cache ? { index: this.cache.version('index'), service: svcDep === 'index' ? undefined : this.cache.version(svcDep) } : undefined;
    try {
      const r = await this.respond(query);
      resp = r.msg;
      source = r.source;
      local = r.local;
    } catch (e) {
      this.o.log?.error('query failed', { err: e as Error });
      resp = responseTo(query, RCODE.SERVFAIL);
      source = 'error';
    }
    if (query.edns) resp.edns = { udpSize: MAX_EDNS_UDP_SIZE, version: 0, dnssecOk: false, options: [] };
    const limit = transport === 'tcp' ? 65535 : udpLimit(query, this.maxUdp);
    let out: Buffer;
    let full: Buffer | undefined;
    try {
      // the untruncated answer first (what encode() tries first too): it is what we cache
      full = encode(resp);
      out = full.length <= limit ? full : encode(resp, { maxSize: limit });
    } catch (e) {
      // e.g. an upstream name we cannot write back; never let one answer kill the server
      this.o.log?.warn('cannot encode response', { err: e as Error });
      resp = { ...responseTo(query, RCODE.SERVFAIL), edns: resp.edns };
      out = encode(resp);
      full = undefined;
      source = 'error';
    }
    const q = query.questions[0];
    // Unknown types collapse into "other" so hostile queries cannot blow up label cardinality.
    const qtype = q ? (KNOWN_TYPES.has(q.type) ? typeName(q.type) : 'other') : 'none';
    const slot = this.o.metrics?.slot(transport, family, qtype, rcodeName(resp.rcode), PLUGIN[source] ?? '');
    if (cacheable && before && full && source === 'cluster' && local && this.cache) {
      const positive = resp.rcode === RCODE.NOERROR && resp.answers.length > 0 && resp.authority.length === 0 && !resp.answers.some((a) => a.type === 'CNAME');
      const at = positive && before.service ? before.service : before.index;
      if (await this.caseIndependent(query, full, qi)) this.cache.store(buf, qi, full, at, newSlots(this.o.metrics, slot, transport, family));
    }
    slot?.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return out;
  }

  private entrySlot(e: CacheEntry, transport: Transport, family: Family): QuerySlot | undefined {
    const slots = e.stats as EntrySlots | undefined;
    if (!slots) return undefined;
    const i = (transport === 'tcp' ? 2 : 0) + (family === '2' ? 1 : 0);
    return slots.bySocket[i] ?? (slots.bySocket[i] = slots.make(transport, family));
  }

  /**
   * A cached answer is reused for every case of the name, with the question copied from
   * each query. That is only right when nothing else in the answer depends on the case
   * (owner names are compression pointers into the question): check it once, at fill,
   * by answering the same question with the letters' case swapped.
   */
  private async caseIndependent(query: Message, full: Buffer, qi: QuestionInfo): Promise<boolean> {
    const q = query.questions[0];
    const swapped = q.name.replace(/[a-zA-Z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
    if (swapped === q.name) return true;
    const variant: Message = { ...query, questions: [{ ...q, name: swapped }] };
    let other: Buffer;
    try {
      const r = await this.respond(variant);
      if (!r.local || r.source !== 'cluster') return false;
      if (query.edns) r.msg.edns = { udpSize: MAX_EDNS_UDP_SIZE, version: 0, dnssecOk: false, options: [] };
      other = encode(r.msg);
    } catch {
      // the variant cannot be answered from the cluster view: not cacheable, the caller answers normally
      return false;
    }
    if (other.length !== full.length) return false;
    for (let i = 0; i < full.length; i++) {
      if (i >= 12 && i < qi.nameEnd) continue;
      if (other[i] !== full[i]) return false;
    }
    return true;
  }

  /** local: computed from the cluster view alone (no upstream involved) */
  private async respond(query: Message): Promise<{ msg: Message; source: string; local: boolean }> {
    const err = (rcode: number) => ({ msg: responseTo(query, rcode), source: 'error', local: false });
    if (query.opcode !== OPCODE.QUERY) return err(RCODE.NOTIMP);
    if (query.questions.length !== 1) return err(RCODE.FORMERR);
    if (query.edns && query.edns.version > 0) return err(RCODE.BADVERS);
    const q = query.questions[0];
    if (q.class !== CLASS.IN) return err(RCODE.REFUSED);
    if (q.type === TYPE.AXFR || q.type === 251 /* IXFR */ || q.type === TYPE.OPT) return err(RCODE.REFUSED);

    const cfg = this.o.config();
    const view = this.o.view();
    const local = answer(q, view, cfg);
    if (local) {
      const msg = responseTo(query, local.rcode);
      msg.aa = local.aa;
      msg.answers = local.answers;
      msg.authority = local.authority;
      msg.additional = local.additional;
      const forwarded = await this.chase(msg, q, cfg.zone, view);
      return { msg, source: 'cluster', local: !forwarded };
    }
    if (!this.o.forwarder) return err(RCODE.REFUSED);
    const f = await this.o.forwarder.resolve(q);
    const msg = responseTo(query, f.rcode);
    msg.answers = f.answers;
    msg.authority = f.authority;
    msg.additional = f.additional;
    return { msg, source: f.fromCache ? 'cache' : 'forward', local: false };
  }

  /**
   * ExternalName services answer with a CNAME; like CoreDNS we then resolve the target
   * (in the zone locally, elsewhere upstream) and append its records. True when the
   * upstream was asked.
   */
  private async chase(msg: Message, q: Question, zone: string, view: ClusterView): Promise<boolean> {
    if (q.type === TYPE.CNAME) return false;
    const seen = new Set<string>();
    for (let i = 0; i < MAX_CNAME_CHAIN; i++) {
      const last = msg.answers[msg.answers.length - 1];
      if (!last || last.type !== 'CNAME' || msg.rcode !== RCODE.NOERROR) return false;
      const target = last.target;
      if (!target || seen.has(target.toLowerCase())) return false;
      seen.add(target.toLowerCase());
      const tq: Question = { name: target, type: q.type, class: q.class };
      if (isSubdomain(target, zone)) {
        const a = answer(tq, view, this.o.config());
        if (!a) return false;
        msg.rcode = a.rcode;
        msg.answers.push(...a.answers);
        if (a.answers.length === 0) msg.authority = a.authority;
        continue;
      }
      if (!this.o.forwarder) return false;
      const f = await this.o.forwarder.resolve(tq);
      msg.rcode = f.rcode;
      msg.answers.push(...f.answers);
      if (f.answers.length === 0) msg.authority = f.authority;
      // the upstream already followed the rest of the chain
      return true;
    }
    return false;
  }
}

interface EntrySlots {
  /** udp/v4, udp/v6, tcp/v4, tcp/v6 */
  bySocket: Array<QuerySlot | undefined>;
  make(transport: Transport, family: Family): QuerySlot;
}

/** The metric slots a cache entry bumps on a hit (its type and rcode are fixed). */
function newSlots(metrics: DnsMetrics | undefined, first: QuerySlot | undefined, transport: Transport, family: Family): EntrySlots | undefined {
  if (!metrics || !first) return undefined;
  const slots: EntrySlots = {
    bySocket: [undefined, undefined, undefined, undefined],
    make: (t, f) => metrics.slot(t, f, first.type, first.rcode, first.plugin),
  };
  slots.bySocket[(transport === 'tcp' ? 2 : 0) + (family === '2' ? 1 : 0)] = first;
  return slots;
}

/** UDP size limit for this query: 512 without EDNS, else the client's size within bounds. */
export function udpLimit(query: Message, max: number): number {
  if (!query.edns) return DEFAULT_UDP_SIZE;
  return Math.min(Math.max(query.edns.udpSize, DEFAULT_UDP_SIZE), max);
}

/** FORMERR for a packet we could not parse: echo the id, no sections. Drop if not even a header. */
export function formErr(buf: Buffer): Buffer | undefined {
  if (buf.length < 12) return undefined;
  if (buf[2] & 0x80) return undefined; // a response: do not answer
  const out = Buffer.alloc(12);
  buf.copy(out, 0, 0, 2);
  out[2] = 0x80 | (buf[2] & 0x79); // QR, keep opcode and RD
  out[3] = RCODE.FORMERR;
  return out;
}
