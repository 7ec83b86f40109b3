// Wire -> Message. Every read is bounds-checked; compression pointers may only point
// backwards and a name may follow at most MAX_POINTERS of them, so hostile input
// cannot loop or read past the buffer. Anything malformed throws DnsFormatError.
import { DnsFormatError } from './errors';
import { formatIPv6 } from '@svcnet/ipnet';
import { escapeLabel } from './name';
import { TYPE } from './constants';
import type { Edns, Message, Question, ResourceRecord } from './types';

const MAX_POINTERS = 64;
const MAX_NAME_WIRE = 255;

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new DnsFormatError('message truncated', this.pos);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  name(): string {
    const labels: string[] = [];
    let pos = this.pos;
    let jumped = false;
    let pointers = 0;
    let wireLen = 1; // the final root label
    // Lowest offset we may still jump to: strictly before the name we are reading.
    let limit = pos;
    for (;;) {
      if (pos >= this.buf.length) throw new DnsFormatError('name runs past end of message', pos);
      const len = this.buf[pos];
      if (len === 0) {
        pos += 1;
        break;
      }
      const kind = len & 0xc0;
      if (kind === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new DnsFormatError('truncated compression pointer', pos);
        const target = ((len & 0x3f) << 8) | this.buf[pos + 1];
        if (target >= limit) throw new DnsFormatError('compression pointer does not point backwards', pos);
        if (++pointers > MAX_POINTERS) throw new DnsFormatError('too many compression pointers', pos);
        if (!jumped) this.pos = pos + 2;
        jumped = true;
        limit = target;
        pos = target;
        continue;
      }
      if (kind !== 0) throw new DnsFormatError(`unsupported label type 0x${kind.toString(16)}`, pos);
      if (pos + 1 + len > this.buf.length) throw new DnsFormatError('label runs past end of message', pos);
      wireLen += len + 1;
      if (wireLen > MAX_NAME_WIRE) throw new DnsFormatError('name longer than 255 octets', pos);
      labels.push(escapeLabel(this.buf.toString('latin1', pos + 1, pos + 1 + len)));
      pos += 1 + len;
    }
    if (!jumped) this.pos = pos;
    return labels.join('.');
  }
}

function question(r: Reader): Question {
  return { name: r.name(), type: r.u16(), class: r.u16() };
}

function ipv4(b: Buffer): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

function ipv6(b: Buffer): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i));
  return formatIPv6(g);
}

interface RawRecord {
  rr?: ResourceRecord;
  opt?: { udpSize: number; extRcode: number; version: number; dnssecOk: boolean; options: Edns['options'] };
}

function record(r: Reader): RawRecord {
  const name = r.name();
  const type = r.u16();
  const klass = r.u16();
  const ttl = r.u32();
  const rdlen = r.u16();
  r.need(rdlen);
  const end = r.pos + rdlen;
  const head = { name, class: klass, ttl };
  let rr: ResourceRecord | undefined;
  const exact = (n: number) => {
    if (rdlen !== n) throw new DnsFormatError(`bad rdata length ${rdlen} for type ${type}`, r.pos);
  };
  switch (type) {
    case TYPE.A:
      exact(4);
      rr = { ...head, type: 'A', address: ipv4(r.bytes(4)) };
      break;
    case TYPE.AAAA:
      exact(16);
      rr = { ...head, type: 'AAAA', address: ipv6(r.bytes(16)) };
      break;
    case TYPE.CNAME:
    case TYPE.NS:
    case TYPE.PTR:
      rr = { ...head, type: type === TYPE.CNAME ? 'CNAME' : type === TYPE.NS ? 'NS' : 'PTR', target: r.name() };
      break;
    case TYPE.MX:
      rr = { ...head, type: 'MX', preference: r.u16(), exchange: r.name() };
      break;
    case TYPE.SRV:
      rr = { ...head, type: 'SRV', priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
      break;
    case TYPE.TXT: {
      const texts: string[] = [];
      while (r.pos < end) {
        const n = r.u8();
        if (r.pos + n > end) throw new DnsFormatError('TXT string runs past rdata', r.pos);
        texts.push(r.bytes(n).toString('latin1'));
      }
      rr = { ...head, type: 'TXT', texts };
      break;
    }
    case TYPE.SOA:
      rr = {
        ...head,
        type: 'SOA',
        mname: r.name(),
        rname: r.name(),
        serial: r.u32(),
        refresh: r.u32(),
        retry: r.u32(),
        expire: r.u32(),
        minimum: r.u32(),
      };
      break;
    case TYPE.OPT: {
      if (name !== '') throw new DnsFormatError('OPT record owner must be the root', r.pos);
      const options: Edns['options'] = [];
      while (r.pos < end) {
        const code = r.u16();
        const len = r.u16();
        if (r.pos + len > end) throw new DnsFormatError('EDNS option runs past rdata', r.pos);
        options.push({ code, data: Buffer.from(r.bytes(len)) });
      }
      // TTL field of OPT: extended rcode (8) | version (8) | DO (1) | zero (15)
      return {
        opt: { udpSize: klass, extRcode: ttl >>> 24, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0, options },
      };
    }
    default:
      rr = { ...head, type: 'RAW', code: type, rdata: Buffer.from(r.bytes(rdlen)) };
  }
  if (r.pos !== end) throw new DnsFormatError(`rdata length mismatch for type ${type}`, r.pos);
  return { rr };
}

/** Parse just the 12-byte header fields needed to answer FORMERR to garbage. */
export function peekId(buf: Buffer): number | undefined {
  return buf.length >= 2 ? buf.readUInt16BE(0) : undefined;
}

export function decode(buf: Buffer): Message {
  const r = new Reader(buf);
  if (buf.length < 12) throw new DnsFormatError('message shorter than a header');
  const id = r.u16();
  const flags = r.u16();
  const qd = r.u16();
  const an = r.u16();
  const ns = r.u16();
  const ar = r.u16();
  const msg: Message = {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    ad: (flags & 0x0020) !== 0,
    cd: (flags & 0x0010) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    authority: [],
    additional: [],
  };
  // Each question needs >= 5 octets and each RR >= 11; reject absurd counts early
  // so a 12-byte packet claiming 65535 records costs nothing.
  if (qd * 5 + (an + ns + ar) * 11 > buf.length - 12) throw new DnsFormatError('section counts exceed message size');
  for (let i = 0; i < qd; i++) msg.questions.push(question(r));
  const section = (n: number, into: ResourceRecord[], allowOpt: boolean) => {
    for (let i = 0; i < n; i++) {
      const rec = record(r);
      if (rec.opt) {
        if (!allowOpt || msg.edns) throw new DnsFormatError('misplaced or duplicate OPT record');
        msg.edns = { udpSize: rec.opt.udpSize, version: rec.opt.version, dnssecOk: rec.opt.dnssecOk, options: rec.opt.options };
        msg.rcode |= rec.opt.extRcode << 4;
      } else if (rec.rr) {
        into.push(rec.rr);
      }
    }
  };
  section(an, msg.answers, false);
  section(ns, msg.authority, false);
  section(ar, msg.additional, true);
  // Trailing garbage is tolerated (some stacks pad), as most servers do.
  return msg;
}
