// UDP on LB-IP:port: one upstream socket per client address:port (a "flow"), so answers find
// their way back; flows end after an idle timeout or move when their node fails.
import * as dgram from 'node:dgram';
import type { Route, Target } from './route';

interface Flow {
  up: dgram.Socket;
  target: Target;
  timer: NodeJS.Timeout;
}

export interface UdpProxyOptions {
  host: string;
  port: number;
  route: () => Route;
  idleTimeoutMs: number;
}

export class UdpProxy {
  private sock?: dgram.Socket;
  private flows = new Map<string, Flow>();

  constructor(private readonly o: UdpProxyOptions) {}

  listen(): Promise<void> {
    const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    this.sock = sock;
    sock.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address: this.o.host, port: this.o.port, exclusive: true }, () => {
        sock.off('error', reject);
        sock.on('error', () => undefined);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    for (const k of [...this.flows.keys()]) this.endFlow(k);
    const s = this.sock;
    if (!s) return Promise.resolve();
    return new Promise((r) => s.close(() => r()));
  }

  get flowCount(): number {
    return this.flows.size;
  }

  private endFlow(key: string): void {
    const f = this.flows.get(key);
    if (!f) return;
    this.flows.delete(key);
    clearTimeout(f.timer);
    f.up.close();
    this.o.route().closed(f.target);
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const route = this.o.route();
    if (!route.allowed(rinfo.address)) {
      route.rejected('source-range');
      return;
    }
    const key = `${rinfo.address}:${rinfo.port}`;
    let f = this.flows.get(key);
    if (f && !route.usable(f.target)) {
      this.endFlow(key);
      f = undefined;
    }
    if (!f) {
      const target = route.pick();
      if (!target) {
        route.rejected('no-backend');
        return;
      }
      const up = dgram.createSocket('udp4');
      up.on('error', (e) => {
        route.connectFailed(target, e.message);
        this.endFlow(key);
      });
      up.on('message', (answer) => {
        const flow = this.flows.get(key);
        if (flow) flow.timer.refresh();
        this.sock?.send(answer, rinfo.port, rinfo.address);
      });
      up.connect(target.port, target.ip);
      f = { up, target, timer: setTimeout(() => this.endFlow(key), this.o.idleTimeoutMs) };
      this.flows.set(key, f);
      route.connected(target);
    }
    f.timer.refresh();
    const flow = f;
    // connect() is asynchronous; send() before it finished would throw ERR_SOCKET_DGRAM_NOT_CONNECTED.
    const send = () => flow.up.send(msg, (err) => err && undefined);
    try {
      flow.up.remoteAddress();
      send();
    } catch {
      // not connected yet (remoteAddress throws): send once connect() completes
      flow.up.once('connect', send);
    }
  }
}
