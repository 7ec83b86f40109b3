// Message -> wire, with name compression (RFC 1035 4.1.4) and UDP truncation.
import { DnsFormatError } from './errors';
import { ipv4Octets, parseIPv4, parseIPv6 } from '@svcnet/ipnet';
import { lowerName, nameToLabels } from './name';
import { TYPE } from './constants';
import type { Message, Question, ResourceRecord } from './types';

class Writer {
  buf: Buffer;
  pos = 0;
  // lower-cased name suffix -> offset of its first occurrence
  private names = new Map<string, number>();
  constructor(size = 512) {
    this.buf = Buffer.allocUnsafe(size);
  }
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v & 0xff;
  }
  u16(v: number): void {
    this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }
  bytes(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
  name(name: string, compress: boolean): void {
    const labels = nameToLabels(name);
    let wire = 1;
    for (const l of labels) wire += l.length + 1;
    if (wire > 255) throw new DnsFormatError(`name longer than 255 octets: ${name}`);
    for (let i = 0; i < labels.length; i++) {
      const key = lowerName(labels.slice(i).join('.'));
      if (compress) {
        const at = this.names.get(key);
        if (at !== undefined) {
          this.u16(0xc000 | at);
          return;
        }
      }
      // Offsets must fit in 14 bits to be usable as pointer targets.
      if (this.pos < 0x4000 && !this.names.has(key)) this.names.set(key, this.pos);
      const l = labels[i];
      this.u8(l.length);
      this.room(l.length);
      this.buf.write(l, this.pos, 'latin1');
      this.pos += l.length;
    }
    this.u8(0);
  }
  /** write a 16-bit length placeholder, return a function that fills it in */
  lengthPrefix(): () => void {
    const at = this.pos;
    this.u16(0);
    return () => this.buf.writeUInt16BE(this.pos - at - 2, at);
  }
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function ipv4Bytes(ip: string): Buffer {
  const n = parseIPv4(ip);
  if (n === null) throw new DnsFormatError(`bad IPv4 address ${ip}`);
  return Buffer.from(ipv4Octets(n));
}

function ipv6Bytes(ip: string): Buffer {
  let groups: number[];
  try {
    groups = parseIPv6(ip);
  } catch {
    throw new DnsFormatError(`bad IPv6 address ${ip}`);
  }
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(g, i * 2));
  return b;
}

const TYPE_CODE: Record<Exclude<ResourceRecord['type'], 'RAW'>, number> = {
  A: TYPE.A,
  AAAA: TYPE.AAAA,
  CNAME: TYPE.CNAME,
  NS: TYPE.NS,
  PTR: TYPE.PTR,
  MX: TYPE.MX,
  SRV: TYPE.SRV,
  TXT: TYPE.TXT,
  SOA: TYPE.SOA,
};

export function rrTypeCode(rr: ResourceRecord): number {
  return rr.type === 'RAW' ? rr.code : TYPE_CODE[rr.type];
}

function writeQuestion(w: Writer, q: Question): void {
  w.name(q.name, true);
  w.u16(q.type);
  w.u16(q.class);
}

function writeRecord(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name, true);
  w.u16(rrTypeCode(rr));
  w.u16(rr.class);
  w.u32(rr.ttl);
  const done = w.lengthPrefix();
  switch (rr.type) {
    case 'A':
      w.bytes(ipv4Bytes(rr.address));
      break;
    case 'AAAA':
      w.bytes(ipv6Bytes(rr.address));
      break;
    case 'CNAME':
    case 'NS':
    case 'PTR':
      w.name(rr.target, true);
      break;
    case 'MX':
      w.u16(rr.preference);
      w.name(rr.exchange, true);
      break;
    case 'SRV':
      w.u16(rr.priority);
      w.u16(rr.weight);
      w.u16(rr.port);
      // RFC 2782: the SRV target must not be compressed.
      w.name(rr.target, false);
      break;
    case 'TXT':
      for (const t of rr.texts.length ? rr.texts : ['']) {
        for (let i = 0; i < t.length || i === 0; i += 255) {
          const chunk = Buffer.from(t.slice(i, i + 255), 'latin1');
          w.u8(chunk.length);
          w.bytes(chunk);
        }
      }
      break;
    case 'SOA':
      w.name(rr.mname, true);
      w.name(rr.rname, true);
      w.u32(rr.serial);
      w.u32(rr.refresh);
      w.u32(rr.retry);
      w.u32(rr.expire);
      w.u32(rr.minimum);
      break;
    case 'RAW':
      w.bytes(rr.rdata);
      break;
  }
  done();
}

function writeMessage(msg: Message, answers: ResourceRecord[], authority: ResourceRecord[], additional: ResourceRecord[], tc: boolean): Buffer {
  const w = new Writer();
  w.u16(msg.id);
  const flags =
    (msg.qr ? 0x8000 : 0) |
    ((msg.opcode & 0xf) << 11) |
    (msg.aa ? 0x0400 : 0) |
    (tc ? 0x0200 : 0) |
    (msg.rd ? 0x0100 : 0) |
    (msg.ra ? 0x0080 : 0) |
    (msg.ad ? 0x0020 : 0) |
    (msg.cd ? 0x0010 : 0) |
    (msg.rcode & 0xf);
  w.u16(flags);
  w.u16(msg.questions.length);
  w.u16(answers.length);
  w.u16(authority.length);
  w.u16(additional.length + (msg.edns ? 1 : 0));
  for (const q of msg.questions) writeQuestion(w, q);
  for (const rr of answers) writeRecord(w, rr);
  for (const rr of authority) writeRecord(w, rr);
  for (const rr of additional) writeRecord(w, rr);
  if (msg.edns) {
    w.u8(0); // root owner
    w.u16(TYPE.OPT);
    w.u16(msg.edns.udpSize);
    w.u32(((msg.rcode >> 4) & 0xff) * 0x1000000 + ((msg.edns.version & 0xff) << 16) + (msg.edns.dnssecOk ? 0x8000 : 0));
    const done = w.lengthPrefix();
    for (const o of msg.edns.options) {
      w.u16(o.code);
      w.u16(o.data.length);
      w.bytes(o.data);
    }
    done();
  }
  return w.result();
}

export interface EncodeOptions {
  /** largest message allowed (the UDP limit); bigger answers are truncated */
  maxSize?: number;
}

/**
 * Encode a message. With maxSize, an answer that does not fit first loses its
 * additional section (RFC 2181 9: no TC needed for that), then all records with TC
 * set, so the client retries over TCP and gets the whole answer there.
 */
export function encode(msg: Message, opts: EncodeOptions = {}): Buffer {
  const full = writeMessage(msg, msg.answers, msg.authority, msg.additional, msg.tc);
  const max = opts.maxSize;
  if (max === undefined || full.length <= max) return full;
  const noExtra = writeMessage(msg, msg.answers, msg.authority, [], msg.tc);
  if (noExtra.length <= max) return noExtra;
  return writeMessage(msg, [], [], [], true);
}
