// Resolves names outside the cluster zone through the upstream servers, over UDP with a
// TCP retry when the upstream truncates. Every question gets an answer within the
// deadline (SERVFAIL otherwise), so a dead upstream never stalls pods' resolvers.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { decode, encode, newQuery, RCODE, sameName } from '@svcnet/dns-message';
import type { Message, Question } from '@svcnet/dns-message';
import { cacheKey, DnsCache } from './cache';
import type { CachedAnswer } from './cache';

export interface Upstream {
  host: string;
  port: number;
}

export interface ForwarderOptions {
  upstreams: Upstream[];
  cache?: DnsCache;
  /** total time for one question across all upstreams */
  deadlineMs?: number;
  onCache?: (hit: boolean) => void;
  onUpstream?: (u: Upstream, rcode: number | 'timeout' | 'error') => void;
}

export interface ForwardResult extends CachedAnswer {
  fromCache: boolean;
}

/** host:port, [v6]:port, or a bare host (port 53). */
export function parseUpstream(s: string): Upstream {
  const t = s.trim();
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) return { host: v6[1], port: Number(v6[2] ?? 53) };
  if (net.isIPv6(t)) return { host: t, port: 53 };
  const i = t.lastIndexOf(':');
  if (i > 0) return { host: t.slice(0, i), port: Number(t.slice(i + 1)) };
  return { host: t, port: 53 };
}

/** nameserver lines of a resolv.conf text */
export function resolvConfNameservers(text: string): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push({ host: m[1].replace(/%.*$/, ''), port: 53 });
  }
  return out;
}

function servfail(): ForwardResult {
  return { rcode: RCODE.SERVFAIL, answers: [], authority: [], additional: [], fromCache: false };
}

function matches(q: Question, id: number, m: Message): boolean {
  return m.qr && m.id === id && m.questions.length === 1 && sameName(m.questions[0].name, q.name) && m.questions[0].type === q.type;
}

export function queryUDP(u: Upstream, q: Question, timeoutMs: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const query = newQuery(q.name, q.type, { udpSize: 1232 });
    query.questions[0].class = q.class;
    const sock = dgram.createSocket(net.isIPv6(u.host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (err: Error | undefined, m?: Message) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(m as Message);
    };
    const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs);
    sock.on('error', (e) => finish(e));
    sock.on('message', (buf) => {
      try {
        const m = decode(buf);
        if (matches(q, query.id, m)) finish(undefined, m);
      } catch {
        // ignore garbage; wait for the real answer or the timeout
      }
    });
    // A connected socket reports ICMP port-unreachable as an error at once. The connect
    // callback gets the error itself (e.g. ENETUNREACH) instead of an 'error' event.
    sock.connect(u.port, u.host, ((err?: Error) => {
      if (err) return finish(err);
      try {
        sock.send(encode(query), (e) => e && finish(e));
      } catch (e) {
        finish(e as Error);
      }
    }) as () => void);
  });
}

export function queryTCP(u: Upstream, q: Question, timeoutMs: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const query = newQuery(q.name, q.type);
    query.questions[0].class = q.class;
    const wire = encode(query);
    const sock = net.connect({ host: u.host, port: u.port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err: Error | undefined, m?: Message) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(m as Message);
    };
    const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs);
    sock.on('error', (e) => finish(e));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(wire.length);
      sock.write(Buffer.concat([len, wire]));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        try {
          const m = decode(buf.subarray(2, 2 + buf.readUInt16BE(0)));
          if (matches(q, query.id, m)) finish(undefined, m);
          else finish(new Error('mismatched TCP answer'));
        } catch (e) {
          finish(e as Error);
        }
      }
    });
    sock.on('end', () => finish(new Error('connection closed')));
  });
}

export class Forwarder {
  readonly cache: DnsCache;
  private inflight = new Map<string, Promise<ForwardResult>>();
  private readonly deadline: number;
  private next = 0;

  constructor(private readonly opts: ForwarderOptions) {
    this.cache = opts.cache ?? new DnsCache();
    this.deadline = opts.deadlineMs ?? 1800;
  }

  async resolve(q: Question): Promise<ForwardResult> {
    const key = cacheKey(q.name, q.type, q.class);
    const hit = this.cache.get(key);
    this.opts.onCache?.(!!hit);
    if (hit) return { ...hit, fromCache: true };
    // Identical questions in flight share one upstream query.
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = this.exchange(q).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async exchange(q: Question): Promise<ForwardResult> {
    const ups = this.opts.upstreams;
    if (ups.length === 0) return servfail();
    const end = Date.now() + this.deadline;
    // Split the deadline so every upstream gets a turn, starting at a rotating one.
    const slice = Math.max(200, Math.floor(this.deadline / ups.length));
    const start = this.next++ % ups.length;
    for (let i = 0; i < ups.length * 2; i++) {
      const left = end - Date.now();
      if (left <= 10) return servfail();
      const u = ups[(start + i) % ups.length];
      try {
        let m = await queryUDP(u, q, Math.min(slice, left));
        if (m.tc) m = await queryTCP(u, q, Math.max(10, end - Date.now()));
        this.opts.onUpstream?.(u, m.rcode);
        if (m.rcode === RCODE.SERVFAIL || m.rcode === RCODE.REFUSED) {
          if (i + 1 >= ups.length) return servfail();
          continue;
        }
        const answer: CachedAnswer = { rcode: m.rcode, answers: m.answers, authority: m.authority, additional: m.additional };
        this.cache.put(cacheKey(q.name, q.type, q.class), answer);
        return { ...answer, fromCache: false };
      } catch (e) {
        this.opts.onUpstream?.(u, (e as Error).message === 'timeout' ? 'timeout' : 'error');
        // errors (port unreachable) move on at once; timeouts used their slice already
      }
    }
    return servfail();
  }
}
