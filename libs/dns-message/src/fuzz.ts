// Packet generators for fuzz tests (here and in the server): seeded noise and
// mutations of valid messages.
import { encode } from './encode';
import { newQuery, responseTo } from './build';
import { TYPE, CLASS } from './constants';
import type { ResourceRecord } from './types';

/** Deterministic PRNG so a failure can be replayed from the seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seeds(): Buffer[] {
  const IN = CLASS.IN;
  const rrs: ResourceRecord[] = [
    { name: 'a.b.svc.cluster.local', class: IN, ttl: 5, type: 'A', address: '10.0.0.1' },
    { name: 'a.b.svc.cluster.local', class: IN, ttl: 5, type: 'AAAA', address: 'fd00::1' },
    { name: '_p._tcp.a.b.svc.cluster.local', class: IN, ttl: 5, type: 'SRV', priority: 0, weight: 1, port: 80, target: 'x.a.b.svc.cluster.local' },
    { name: 'c.b.svc.cluster.local', class: IN, ttl: 5, type: 'CNAME', target: 'a.b.svc.cluster.local' },
    { name: 'cluster.local', class: IN, ttl: 5, type: 'SOA', mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 },
    { name: 'v.cluster.local', class: IN, ttl: 5, type: 'TXT', texts: ['1.1.0'] },
    { name: '1.0.0.10.in-addr.arpa', class: IN, ttl: 5, type: 'PTR', target: 'a.b.svc.cluster.local' },
  ];
  const q = newQuery('a.b.svc.cluster.local', TYPE.A, { id: 7, udpSize: 1232 });
  const r = { ...responseTo(q), answers: rrs, authority: [rrs[4]], additional: rrs.slice(0, 2), edns: q.edns };
  return [encode(q), encode(r), encode(newQuery('example.com', TYPE.SRV))];
}

export function fuzzPackets(count: number, seed: number, each: (pkt: Buffer) => void): void {
  const rand = rng(seed);
  const pool = seeds();
  for (let i = 0; i < count; i++) {
    let pkt: Buffer;
    if (i % 4 === 0) {
      // pure noise, biased to short lengths, sometimes with a sane header
      const len = Math.floor(rand() * rand() * 600);
      pkt = Buffer.alloc(len);
      for (let j = 0; j < len; j++) pkt[j] = Math.floor(rand() * 256);
      if (len >= 12 && rand() < 0.5) pkt.writeUInt16BE(1, 4);
    } else {
      pkt = Buffer.from(pool[Math.floor(rand() * pool.length)]);
      const edits = 1 + Math.floor(rand() * 6);
      for (let e = 0; e < edits; e++) {
        const op = rand();
        const at = Math.floor(rand() * Math.max(1, pkt.length));
        if (op < 0.5 && pkt.length) pkt[at] = Math.floor(rand() * 256);
        else if (op < 0.65 && pkt.length) pkt[at] = rand() < 0.5 ? 0xc0 : [0, 1, 63, 64, 0xff][Math.floor(rand() * 5)];
        else if (op < 0.8) pkt = pkt.subarray(0, at);
        else if (op < 0.9) pkt = Buffer.concat([pkt.subarray(0, at), Buffer.from([Math.floor(rand() * 256)]), pkt.subarray(at)]);
        else pkt = Buffer.concat([pkt.subarray(0, at), pkt.subarray(Math.min(pkt.length, at + 1 + Math.floor(rand() * 8)))]);
      }
    }
    each(pkt);
  }
}

