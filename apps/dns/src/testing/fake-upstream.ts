// A tiny authoritative DNS server on loopback for forwarding tests: answers from a
// table, counts queries, can go silent or truncate. Never leaves 127.0.0.1.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { CLASS, RCODE, decode, encode, lowerName, responseTo } from '@svcnet/dns-message';
import type { Message, ResourceRecord } from '@svcnet/dns-message';

export interface FakeZoneEntry {
  rcode?: number;
  answers?: ResourceRecord[];
  authority?: ResourceRecord[];
}

export class FakeUpstream {
  udpQueries = 0;
  tcpQueries = 0;
  /** drop every query (a dead upstream) */
  silent = false;
  /** answer with TC over UDP, forcing a TCP retry */
  truncateUdp = false;
  private udp = dgram.createSocket('udp4');
  private tcp = net.createServer();
  port = 0;

  constructor(private readonly zone: Record<string, FakeZoneEntry>) {}

  static soa(zone: string, ttl: number, minimum: number): ResourceRecord {
    return { name: zone, class: CLASS.IN, ttl, type: 'SOA', mname: `ns.${zone}`, rname: `h.${zone}`, serial: 1, refresh: 1, retry: 1, expire: 1, minimum };
  }

  private reply(q: Message, udp: boolean): Buffer {
    const key = `${lowerName(q.questions[0].name)} ${q.questions[0].type}`;
    const e = this.zone[key] ?? this.zone[lowerName(q.questions[0].name)] ?? { rcode: RCODE.NXDOMAIN };
    const r = responseTo(q, e.rcode ?? RCODE.NOERROR);
    r.aa = true;
    r.answers = (e.answers ?? []).filter((a) => a.type === 'CNAME' || a.type === 'RAW' || lowerName(a.name) === lowerName(q.questions[0].name));
    r.authority = e.authority ?? [];
    if (udp && this.truncateUdp) return encode({ ...r, answers: [], authority: [], tc: true });
    return encode(r);
  }

  async start(): Promise<number> {
    this.udp.on('message', (buf, rinfo) => {
      this.udpQueries++;
      if (this.silent) return;
      const q = decode(buf);
      this.udp.send(this.reply(q, true), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => this.udp.bind(0, '127.0.0.1', () => r()));
    this.port = this.udp.address().port;
    this.tcp.on('connection', (s) => {
      let buf = Buffer.alloc(0);
      s.on('error', () => s.destroy());
      s.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          this.tcpQueries++;
          if (this.silent) return;
          const out = this.reply(decode(buf.subarray(2, 2 + buf.readUInt16BE(0))), false);
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          s.end(Buffer.concat([len, out]));
        }
      });
    });
    await new Promise<void>((r) => this.tcp.listen(this.port, '127.0.0.1', () => r()));
    return this.port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.udp.close(() => r()));
    await new Promise<void>((r) => this.tcp.close(() => r()));
  }
}
