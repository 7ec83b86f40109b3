// Connections to localhost:<port> inside a pod's network namespace, as the runtime's port
// forwarding makes them (containerd: net.Dial tcp4 then tcp6 to localhost inside the netns).
// Node cannot setns() itself, so a small helper runs in the pod's netns (nsenter --net) for
// the life of one port-forward session: it connects and hands each connected socket back to
// the agent over its IPC channel (SCM_RIGHTS), and the agent pipes it like any other socket.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

// Go's wording of the dial errors (what kubectl users see from a real kubelet)
const HELPER = `
const net = require('net');
const WHY = { ECONNREFUSED: 'connection refused', EADDRNOTAVAIL: 'cannot assign requested address', ENETUNREACH: 'network is unreachable', EHOSTUNREACH: 'no route to host', ETIMEDOUT: 'connection timed out', EACCES: 'permission denied' };
const dial = (family, host, port) => new Promise((resolve) => {
  const s = net.connect({ host, port, family });
  s.once('connect', () => resolve({ socket: s }));
  s.once('error', (e) => resolve({ error: 'dial tcp' + family + ' ' + (family === 6 ? '[' + host + ']' : host) + ':' + port + ': connect: ' + (WHY[e.code] || e.message) }));
});
process.on('message', async (m) => {
  const v4 = await dial(4, '127.0.0.1', m.port);
  if (v4.socket) return process.send({ id: m.id }, v4.socket);
  const v6 = await dial(6, '::1', m.port);
  if (v6.socket) return process.send({ id: m.id }, v6.socket);
  process.send({ id: m.id, v4: v4.error, v6: v6.error });
});
process.on('disconnect', () => process.exit(0));
`;

export class DialError extends Error {}

export interface PodNetwork {
  /** a process in the pod's network namespace (a running container's init) */
  pid?: number;
  /** the pod's IP: used when no process of the pod can be entered */
  podIP?: string;
}

/** the name containerd reports for a network namespace: its /var/run/netns path when it has one */
export function netnsPathOf(pid: number): string {
  const own = `/proc/${pid}/ns/net`;
  try {
    const st = fs.statSync(own);
    for (const dir of ['/var/run/netns', '/run/netns']) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir);
      } catch {
        // that netns directory does not exist on this host: try the other
        continue;
      }
      for (const n of names) {
        try {
          const o = fs.statSync(`${dir}/${n}`);
          if (o.ino === st.ino && o.dev === st.dev) return `${dir}/${n}`;
        } catch {
          /* gone meanwhile */
        }
      }
    }
  } catch {
    /* the process is gone */
  }
  return own;
}

/** dials ports inside one pod's network namespace */
export class PodDialer {
  private helper?: ChildProcess;
  private nextId = 1;
  private waiting = new Map<number, { resolve: (s: net.Socket) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor(private readonly net_: PodNetwork) {}

  /** connects to localhost:port in the pod; the error reads as the runtime's */
  dial(port: number): Promise<net.Socket> {
    if (this.closed) return Promise.reject(new DialError('port forwarding session closed'));
    if (!this.net_.pid) return this.dialPodIP(port);
    const helper = this.ensureHelper();
    const id = this.nextId++;
    return new Promise<net.Socket>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      helper.send({ id, port }, (e) => {
        if (!e) return;
        this.waiting.delete(id);
        reject(new DialError(`port forwarding helper: ${e.message}`));
      });
    });
  }

  close(): void {
    this.closed = true;
    this.helper?.kill('SIGKILL');
    this.helper = undefined;
    for (const w of this.waiting.values()) w.reject(new DialError('port forwarding session closed'));
    this.waiting.clear();
  }

  private ensureHelper(): ChildProcess {
    if (this.helper) return this.helper;
    const child = spawn('nsenter', [`--net=/proc/${this.net_.pid}/ns/net`, '--', process.execPath, '-e', HELPER], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    child.on('message', (m: { id: number; v4?: string; v6?: string }, handle?: unknown) => {
      const w = this.waiting.get(m.id);
      if (!w) {
        (handle as net.Socket | undefined)?.destroy();
        return;
      }
      this.waiting.delete(m.id);
      if (handle instanceof net.Socket) {
        // each direction closes on its own (the port-forward server decides when both are done)
        handle.allowHalfOpen = true;
        w.resolve(handle);
      } else {
        w.reject(new DialError(`IPv4: ${m.v4} IPv6 ${m.v6} `));
      }
    });
    const fail = (why: string) => {
      if (this.helper === child) this.helper = undefined;
      for (const w of this.waiting.values()) w.reject(new DialError(why));
      this.waiting.clear();
    };
    child.on('error', (e) => fail(`cannot enter the pod's network namespace: ${e.message}`));
    child.on('exit', (code, signal) => fail(`cannot enter the pod's network namespace: nsenter exited (${signal ?? code}) ${stderr.trim()}`.trim()));
    this.helper = child;
    return child;
  }

  private dialPodIP(port: number): Promise<net.Socket> {
    const ip = this.net_.podIP;
    if (!ip) return Promise.reject(new DialError('the pod has no network namespace to enter and no IP'));
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: ip, port, allowHalfOpen: true });
      s.once('connect', () => resolve(s));
      s.once('error', (e: NodeJS.ErrnoException) => reject(new DialError(`dial tcp4 ${ip}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message} `)));
    });
  }
}
