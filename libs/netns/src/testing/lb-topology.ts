// The hermetic network for cloud-lb root tests and the benchmark, in fresh namespaces:
//
// Nodes route everything else via the lb namespace (their default route).
//
//   client (192.168.100.2, .3) ──veth── lb (192.168.100.1; LB IPs as /32 on cl0) ──veth── node1 (10.240.1.2)
//                                                                                 └─veth── node2 (10.240.2.2)
//
// The client routes the pool via the lb namespace; the lb namespace forwards (so a released
// LB IP gets "no route" back instead of silence) but has no route anywhere else.
import type { ChildProcess } from 'node:child_process';
import { addAddress, addRoute, addVethPair, linkUp } from '../links';
import { execIn, spawnIn } from '../netns';
import { NetnsTopology } from './netns-topology';
import { run, type RunResult } from '../run';
import { setSysctl, SYSCTL } from '../sysctl';
import { FAKE_NODE_SCRIPT, type FakeNodeConfig } from './fake-node';

export interface TopoNode {
  name: string;
  netns: string;
  ip: string;
  proc?: ChildProcess;
  config?: FakeNodeConfig;
}

export class LbTopology extends NetnsTopology {
  readonly prefix = `svcnet-lb-${this.id}`;
  readonly lbNs = `${this.prefix}-lb`;
  readonly clientNs = `${this.prefix}-cl`;
  readonly clientIP = '192.168.100.2';
  readonly otherClientIP = '192.168.100.3';
  /** the LB's front interface, which holds the LB IPs (no dummy module here) */
  readonly lbIface = 'cl0';
  readonly nodes: TopoNode[];
  private constructor(readonly pool: string) {
    super();
    this.nodes = [1, 2].map((i) => ({ name: `node${i}`, netns: `${this.prefix}-n${i}`, ip: `10.240.${i}.2` }));
  }

  static async create(poolCidr = '10.78.42.0/24'): Promise<LbTopology> {
    return NetnsTopology.built(new LbTopology(poolCidr), (t) => t.build());
  }

  private async build(): Promise<void> {
    const lb = await this.ns(this.lbNs);
    await setSysctl(lb, SYSCTL.ipForward, 1);
    await setSysctl(lb, SYSCTL.tcpTwReuse, 1);

    const cl = await this.ns(this.clientNs);
    await addVethPair({ netns: lb, name: 'cl0', peerNetns: cl, peerName: 'eth0' });
    await addAddress(lb, 'cl0', '192.168.100.1/24');
    await linkUp(lb, 'cl0');
    await addAddress(cl, 'eth0', `${this.clientIP}/24`);
    await addAddress(cl, 'eth0', `${this.otherClientIP}/24`);
    await linkUp(cl, 'eth0');
    await addRoute(cl, { to: this.pool, via: '192.168.100.1' });
    await setSysctl(cl, SYSCTL.tcpTwReuse, 1);
    await setSysctl(cl, SYSCTL.localPortRange, '10000 65000');

    for (const [i, n] of this.nodes.entries()) {
      await this.ns(n.netns);
      await addVethPair({ netns: lb, name: `n${i + 1}`, peerNetns: n.netns, peerName: 'eth0' });
      await addAddress(lb, `n${i + 1}`, `10.240.${i + 1}.1/24`);
      await linkUp(lb, `n${i + 1}`);
      await addAddress(n.netns, 'eth0', `${n.ip}/24`);
      await linkUp(n.netns, 'eth0');
      // The LB is the nodes' router: replies to outside clients go back through it, where
      // conntrack undoes the nftables data path's DNAT (a cloud's VPC routes the same way).
      await addRoute(n.netns, { to: 'default', via: `10.240.${i + 1}.1` });
      await setSysctl(n.netns, SYSCTL.tcpTwReuse, 1);
    }
  }

  /** start (or restart) the fake NodePort server of a node */
  async startNode(n: TopoNode, cfg: Omit<FakeNodeConfig, 'name' | 'ip'>): Promise<void> {
    await this.stopNode(n);
    const config = { ...cfg, name: n.name, ip: n.ip };
    const child = spawnIn(n.netns, process.execPath, [FAKE_NODE_SCRIPT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    n.proc = child;
    n.config = config;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`fake node ${n.name} did not start`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`fake node ${n.name} exited with ${code}`));
      });
    });
    child.removeAllListeners('exit');
  }

  setHealthz(n: TopoNode, code: number): void {
    n.proc?.stdin?.write(JSON.stringify({ healthz: code }) + '\n');
  }

  /** SIGKILL: the node's ports refuse from now on */
  async stopNode(n: TopoNode): Promise<void> {
    const c = n.proc;
    n.proc = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  exec(netns: string, cmd: string, args: string[], timeoutMs = 10_000): Promise<RunResult> {
    return execIn(netns, cmd, args, { allowFailure: true, timeoutMs });
  }

  /** curl from the client namespace (optionally from its second address) */
  curl(url: string, opts: { from?: string; maxTime?: number } = {}): Promise<RunResult> {
    const args = ['-sS', '--max-time', String(opts.maxTime ?? 3)];
    if (opts.from) args.push('--interface', opts.from);
    return this.exec(this.clientNs, 'curl', [...args, url]);
  }

  udp(ip: string, port: number): Promise<RunResult> {
    return execIn(this.clientNs, 'socat', ['-T', '2', '-', `UDP4:${ip}:${port}`], { input: 'hello\n', allowFailure: true, timeoutMs: 5000 });
  }

  /** the /32 LB addresses on the front interface */
  async lbAddresses(): Promise<string[]> {
    const r = await run('ip', ['-n', this.lbNs, '-j', '-4', 'addr', 'show', 'dev', this.lbIface]);
    return (JSON.parse(r.stdout) as { addr_info: { local: string; prefixlen: number }[] }[]).flatMap((l) => l.addr_info.filter((a) => a.prefixlen === 32).map((a) => a.local)).sort();
  }

  async dispose(): Promise<void> {
    for (const n of this.nodes) await this.stopNode(n).catch(() => undefined);
    await this.deleteNamespaces(true);
  }
}

export function nodeOf(answer: string): string | undefined {
  return /Node: (\S+)/.exec(answer)?.[1];
}
