// One query in, one response out (or nothing, for packets we must not answer). Transport
// agnostic: the UDP and TCP servers and the fuzz test all call handle().
import { answer } from '@svcnet/dns-records';
import type { AnswerConfig, ClusterView } from '@svcnet/dns-records';
import {
  CLASS, DnsFormatError, OPCODE, RCODE, TYPE, MAX_EDNS_UDP_SIZE, DEFAULT_UDP_SIZE,
  decode, encode, isSubdomain, responseTo, typeName, rcodeName,
} from '@svcnet/dns-message';
import type { Message, Question, ResourceRecord } from '@svcnet/dns-message';
import type { Logger } from '@svcnet/observability';
import type { DnsMetrics } from './metrics';

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
}

export type Transport = 'udp' | 'tcp';

const MAX_CNAME_CHAIN = 8;
const KNOWN_TYPES = new Set<number>(Object.values(TYPE));

export class QueryHandler {
  constructor(private readonly o: HandlerOptions) {}

  async handle(buf: Buffer, transport: Transport): Promise<Buffer | undefined> {
    const started = process.hrtime.bigint();
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
    try {
      const r = await this.respond(query);
      resp = r.msg;
      source = r.source;
    } catch (e) {
      this.o.log?.error('query failed', { err: e as Error });
      resp = responseTo(query, RCODE.SERVFAIL);
      source = 'error';
    }
    if (query.edns) resp.edns = { udpSize: MAX_EDNS_UDP_SIZE, version: 0, dnssecOk: false, options: [] };
    const limit = transport === 'tcp' ? 65535 : udpLimit(query, this.o.maxUdpSize ?? MAX_EDNS_UDP_SIZE);
    let out: Buffer;
    try {
      out = encode(resp, { maxSize: limit });
    } catch (e) {
      // e.g. an upstream name we cannot write back; never let one answer kill the server
      this.o.log?.warn('cannot encode response', { err: e as Error });
      resp = { ...responseTo(query, RCODE.SERVFAIL), edns: resp.edns };
      out = encode(resp);
      source = 'error';
    }
    const q = query.questions[0];
    // Unknown types collapse into "other" so hostile queries cannot blow up label cardinality.
    const qtype = q ? (KNOWN_TYPES.has(q.type) ? typeName(q.type) : 'other') : 'none';
    this.o.metrics?.queries.inc({ proto: transport, type: qtype, rcode: rcodeName(resp.rcode) });
    this.o.metrics?.duration.observe(Number(process.hrtime.bigint() - started) / 1e9, { source });
    return out;
  }

  private async respond(query: Message): Promise<{ msg: Message; source: string }> {
    if (query.opcode !== OPCODE.QUERY) return { msg: responseTo(query, RCODE.NOTIMP), source: 'error' };
    if (query.questions.length !== 1) return { msg: responseTo(query, RCODE.FORMERR), source: 'error' };
    if (query.edns && query.edns.version > 0) return { msg: responseTo(query, RCODE.BADVERS), source: 'error' };
    const q = query.questions[0];
    if (q.class !== CLASS.IN) return { msg: responseTo(query, RCODE.REFUSED), source: 'error' };
    if (q.type === TYPE.AXFR || q.type === 251 /* IXFR */ || q.type === TYPE.OPT) return { msg: responseTo(query, RCODE.REFUSED), source: 'error' };

    const cfg = this.o.config();
    const view = this.o.view();
    const local = answer(q, view, cfg);
    if (local) {
      const msg = responseTo(query, local.rcode);
      msg.aa = local.aa;
      msg.answers = local.answers;
      msg.authority = local.authority;
      msg.additional = local.additional;
      await this.chase(msg, q, cfg.zone, view);
      return { msg, source: 'cluster' };
    }
    if (!this.o.forwarder) return { msg: responseTo(query, RCODE.REFUSED), source: 'error' };
    const f = await this.o.forwarder.resolve(q);
    const msg = responseTo(query, f.rcode);
    msg.answers = f.answers;
    msg.authority = f.authority;
    msg.additional = f.additional;
    return { msg, source: f.fromCache ? 'cache' : 'forward' };
  }

  /**
   * ExternalName services answer with a CNAME; like CoreDNS we then resolve the target
   * (in the zone locally, elsewhere upstream) and append its records.
   */
  private async chase(msg: Message, q: Question, zone: string, view: ClusterView): Promise<void> {
    if (q.type === TYPE.CNAME) return;
    const seen = new Set<string>();
    for (let i = 0; i < MAX_CNAME_CHAIN; i++) {
      const last = msg.answers[msg.answers.length - 1];
      if (!last || last.type !== 'CNAME' || msg.rcode !== RCODE.NOERROR) return;
      const target = last.target;
      if (!target || seen.has(target.toLowerCase())) return;
      seen.add(target.toLowerCase());
      const tq: Question = { name: target, type: q.type, class: q.class };
      if (isSubdomain(target, zone)) {
        const a = answer(tq, view, this.o.config());
        if (!a) return;
        msg.rcode = a.rcode;
        msg.answers.push(...a.answers);
        if (a.answers.length === 0) msg.authority = a.authority;
        continue;
      }
      if (!this.o.forwarder) return;
      const f = await this.o.forwarder.resolve(tq);
      msg.rcode = f.rcode;
      msg.answers.push(...f.answers);
      if (f.answers.length === 0) msg.authority = f.authority;
      // the upstream already followed the rest of the chain
      return;
    }
  }
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
