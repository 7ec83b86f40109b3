// TCP listener on LB-IP:port that splices each connection to <node IP>:<nodePort>. A userspace
// proxy: the node sees the LB's address as the client (see README, client IP).
import * as net from 'node:net';
import type { Route } from './route';

export interface TcpProxyOptions {
  host: string;
  port: number;
  route: () => Route;
  connectTimeoutMs: number;
  /** how many nodes to try before giving up on a connection */
  maxAttempts: number;
}

export class TcpProxy {
  private server?: net.Server;
  private sockets = new Set<net.Socket>();

  constructor(private readonly o: TcpProxyOptions) {}

  listen(): Promise<void> {
    // pauseOnConnect: the client's first bytes wait in the kernel while we find a node, so
    // a connection can be retried on another node without losing data.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (c) => this.accept(c));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.o.host, port: this.o.port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        resolve();
      });
    });
  }

  /** stop listening and cut every open connection: the LB is gone */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const srv = this.server;
    if (!srv) return Promise.resolve();
    return new Promise((r) => srv.close(() => r()));
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  private accept(client: net.Socket): void {
    const route = this.o.route();
    client.on('error', () => undefined);
    if (!route.allowed(client.remoteAddress ?? '')) {
      route.rejected('source-range');
      client.resetAndDestroy();
      return;
    }
    this.track(client);
    const tried = new Set<string>();
    const attempt = () => {
      if (client.destroyed) return;
      const t = tried.size < this.o.maxAttempts ? route.pick(tried) : undefined;
      if (!t) {
        route.rejected('no-backend');
        client.resetAndDestroy();
        return;
      }
      tried.add(t.node);
      const up = net.connect({ host: t.ip, port: t.port, allowHalfOpen: true });
      this.track(up);
      const timer = setTimeout(() => up.destroy(new Error(`connect timeout after ${this.o.connectTimeoutMs} ms`)), this.o.connectTimeoutMs);
      const onEarlyError = (e: Error) => {
        clearTimeout(timer);
        route.connectFailed(t, e.message);
        attempt();
      };
      up.once('error', onEarlyError);
      up.once('connect', () => {
        clearTimeout(timer);
        up.off('error', onEarlyError);
        route.connected(t);
        up.setNoDelay(true);
        client.setNoDelay(true);
        up.on('error', () => client.destroy());
        client.on('error', () => up.destroy());
        client.on('close', () => up.destroy());
        up.once('close', () => {
          route.closed(t);
          client.destroy();
        });
        client.pipe(up);
        up.pipe(client);
        client.resume();
      });
    };
    attempt();
  }
}
