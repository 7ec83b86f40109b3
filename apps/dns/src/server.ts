// The sockets: one UDP socket and one TCP listener on the same address, both feeding
// QueryHandler. Errors on one packet or connection are logged, never fatal.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { Logger } from '@svcnet/observability';
import type { Family, QueryHandler } from './handler';

export interface ListenAddress {
  host: string;
  port: number;
}

/** "0.0.0.0:53", "127.0.0.1:5353", "[::1]:53", ":53" */
export function parseListen(s: string): ListenAddress {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(s);
  if (v6) return { host: v6[1], port: Number(v6[2]) };
  const i = s.lastIndexOf(':');
  if (i < 0) throw new Error(`--listen must be host:port, got "${s}"`);
  return { host: s.slice(0, i) || '0.0.0.0', port: Number(s.slice(i + 1)) };
}

const TCP_IDLE_MS = 10_000;
const TCP_MAX_PIPELINE = 64;

export class DnsServer {
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private conns = new Set<net.Socket>();
  port = 0;

  constructor(private readonly handler: QueryHandler, private readonly log?: Logger) {}

  /** Bind UDP and TCP; with port 0 both use the port UDP got. Resolves with the port. */
  async start(addr: ListenAddress): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.bind(addr);
      } catch (e) {
        // With port 0 the TCP side may find UDP's port taken: pick another pair.
        await this.stop();
        if (addr.port !== 0 || attempt >= 5 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      }
    }
  }

  private async bind(addr: ListenAddress): Promise<number> {
    const family = net.isIPv6(addr.host) ? 'udp6' : 'udp4';
    // A bigger receive buffer absorbs bursts (hundreds of queries at once) that the
    // default 208 KiB drops while the event loop is busy; the kernel caps it at rmem_max.
    // Answers go back to the address a query came from, always an IP literal: skip
    // dns.lookup() (and its nextTick) that dgram would otherwise run for every send.
    const lookup = (address: string, _o: unknown, cb: (err: Error | null, address: string, family: number) => void) => cb(null, address, family === 'udp6' ? 6 : 4);
    const udp = dgram.createSocket({ type: family, reuseAddr: false, recvBufferSize: 4 << 20, sendBufferSize: 1 << 20, lookup: lookup as never });
    udp.on('message', (msg, rinfo) => this.onUdp(msg, rinfo));
    udp.on('error', (e) => this.log?.error('udp socket error', { err: e }));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(addr.port, addr.host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    this.udp = udp;
    this.port = udp.address().port;
    const tcp = net.createServer((sock) => this.onTcp(sock));
    tcp.on('error', (e) => this.log?.error('tcp server error', { err: e }));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.port, addr.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    this.tcp = tcp;
    return this.port;
  }

  private onUdp(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const family: Family = rinfo.family === 'IPv6' ? '2' : '1';
    // Cached answers are sent synchronously, without a promise or a send callback
    // (a failed UDP send is a lost datagram either way; the client retries).
    const fast = this.handler.handleFast(msg, 'udp', family);
    if (fast !== undefined) {
      this.sendUdp(fast, rinfo);
      return;
    }
    this.handler.handle(msg, 'udp', family).then(
      (out) => {
        if (out) this.sendUdp(out, rinfo);
      },
      (e) => this.log?.error('udp handler failed', { err: e as Error }),
    );
  }

  private sendUdp(out: Buffer, rinfo: dgram.RemoteInfo): void {
    if (!this.udp) return;
    try {
      this.udp.send(out, rinfo.port, rinfo.address);
    } catch (e) {
      // the socket closed while the answer was being computed (shutdown)
      this.log?.debug('udp send failed', { err: e as Error });
    }
  }

  private onTcp(sock: net.Socket): void {
    this.conns.add(sock);
    sock.setNoDelay(true);
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    sock.on('close', () => this.conns.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = Buffer.alloc(0);
    let inflight = 0;
    sock.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      // RFC 7766: several length-prefixed queries may arrive back to back (pipelining).
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        if (++inflight > TCP_MAX_PIPELINE) {
          sock.destroy();
          return;
        }
        this.handler.handle(msg, 'tcp', sock.remoteFamily === 'IPv6' ? '2' : '1').then(
          (out) => {
            inflight--;
            if (!out) {
              // unparseable beyond FORMERR: the stream is out of sync, close it
              sock.end();
              return;
            }
            if (sock.destroyed) return;
            const len2 = Buffer.alloc(2);
            len2.writeUInt16BE(out.length);
            sock.write(Buffer.concat([len2, out]));
          },
          (e) => {
            this.log?.error('tcp handler failed', { err: e as Error });
            sock.destroy();
          },
        );
      }
    });
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())),
      new Promise<void>((r) => (this.tcp?.listening ? this.tcp.close(() => r()) : r())),
    ]);
    this.udp = undefined;
    this.tcp = undefined;
  }
}
