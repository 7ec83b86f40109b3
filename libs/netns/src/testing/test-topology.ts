// TestTopology: a hermetic little cluster node for root tests, all in fresh namespaces.
//
//   outside (192.168.200.2) ──veth── node (192.168.200.1; cbr0 10.244.1.1/24) ──veth── pod-i (10.244.1.10+i)
//                                                                            └─veth── client (10.244.1.100)
//
// Pods get /32 addresses and a default route via 10.244.1.1 (onlink), so pod-to-pod and
// pod-to-service traffic is routed by the node rather than bridged past it: replies then
// always cross the node's conntrack and are un-NATed, with no br_netfilter (a host-wide
// module) needed. The node sends no ICMP redirects for the same reason. Where br_netfilter
// is loaded anyway (it is on this machine), bridge ports are in hairpin mode so a pod can
// reach itself through its Service.
// Every pod runs the echo server (HTTP on 8080, UDP on 5353). dispose() removes everything.
import type { ChildProcess } from 'node:child_process';
import { execIn, spawnIn } from '../netns';
import { NetnsTopology } from './netns-topology';
import { addAddress, addBridge, addRoute, addVethPair, linkUp, setHairpin, setMaster } from '../links';
import { setSysctl, SYSCTL } from '../sysctl';
import { ECHO_SERVER_SCRIPT } from './echo-server';
import type { RunResult } from '../run';

export interface TopologyPod {
  name: string;
  netns: string;
  ip: string;
  server?: ChildProcess;
}

export interface TestTopologyOptions {
  pods?: number;
  tcpPort?: number;
  udpPort?: number;
}

export class TestTopology extends NetnsTopology {
  readonly prefix = `svcnet-t-${this.id}`;
  readonly nodeNs = `${this.prefix}-node`;
  readonly outsideNs = `${this.prefix}-out`;
  readonly bridge = 'cbr0';
  readonly nodeBridgeIP = '10.244.1.1';
  readonly nodeExternalIP = '192.168.200.1';
  readonly outsideIP = '192.168.200.2';
  readonly clusterCIDR = '10.244.0.0/16';
  readonly tcpPort: number;
  readonly udpPort: number;
  readonly pods: TopologyPod[] = [];
  client!: TopologyPod;
  private constructor(opts: TestTopologyOptions) {
    super();
    this.tcpPort = opts.tcpPort ?? 8080;
    this.udpPort = opts.udpPort ?? 5353;
  }

  static async create(opts: TestTopologyOptions = {}): Promise<TestTopology> {
    return NetnsTopology.built(new TestTopology(opts), (t) => t.build(opts.pods ?? 3));
  }

  private async build(podCount: number): Promise<void> {
    const node = await this.ns(this.nodeNs);
    await setSysctl(node, SYSCTL.ipForward, 1);
    await setSysctl(node, SYSCTL.sendRedirects('all'), 0);
    await setSysctl(node, SYSCTL.sendRedirects('default'), 0);
    await addBridge(node, this.bridge);
    await addAddress(node, this.bridge, `${this.nodeBridgeIP}/24`);
    await linkUp(node, this.bridge);

    const out = await this.ns(this.outsideNs);
    await addVethPair({ netns: node, name: 'ext0', peerNetns: out, peerName: 'eth0' });
    await addAddress(node, 'ext0', `${this.nodeExternalIP}/24`);
    await linkUp(node, 'ext0');
    await addAddress(out, 'eth0', `${this.outsideIP}/24`);
    await linkUp(out, 'eth0');
    // The outside host is the node's "uplink", so node-originated traffic has a route too.
    await addRoute(node, { to: 'default', via: this.outsideIP });

    for (let i = 0; i < podCount; i++) this.pods.push(await this.addPod(`pod-${i}`, `10.244.1.${10 + i}`, i));
    this.client = await this.addPod('client', '10.244.1.100', 99);
    await Promise.all(this.pods.map((p) => this.startServer(p)));
  }

  private async addPod(name: string, ip: string, index: number): Promise<TopologyPod> {
    const netns = await this.ns(`${this.prefix}-${name}`);
    const hostEnd = `veth${index}`;
    await addVethPair({ netns: this.nodeNs, name: hostEnd, peerNetns: netns, peerName: 'eth0' });
    await setMaster(this.nodeNs, hostEnd, this.bridge);
    await setHairpin(this.nodeNs, hostEnd);
    await linkUp(this.nodeNs, hostEnd);
    await addAddress(netns, 'eth0', `${ip}/32`);
    await linkUp(netns, 'eth0');
    await addRoute(netns, { to: 'default', via: this.nodeBridgeIP, dev: 'eth0', onlink: true });
    await setSysctl(netns, SYSCTL.acceptRedirects('all'), 0);
    return { name, netns, ip };
  }

  // Start (or restart) the echo server of a pod and wait until it listens.
  async startServer(pod: TopologyPod): Promise<void> {
    const child = spawnIn(pod.netns, process.execPath, [ECHO_SERVER_SCRIPT, pod.name, String(this.tcpPort), String(this.udpPort)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    pod.server = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`echo server in ${pod.name} did not start`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`echo server in ${pod.name} exited with ${code}`));
      });
    });
    child.removeAllListeners('exit');
  }

  async stopServer(pod: TopologyPod): Promise<void> {
    const child = pod.server;
    pod.server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  exec(netns: string, cmd: string, args: string[], timeoutMs = 10_000): Promise<RunResult> {
    return execIn(netns, cmd, args, { allowFailure: true, timeoutMs });
  }

  // HTTP GET with curl from a namespace; result code and body (curl's exit code 7 = refused).
  async httpGet(netns: string, url: string, maxTimeSeconds = 3): Promise<RunResult> {
    return this.exec(netns, 'curl', ['-sS', '--max-time', String(maxTimeSeconds), url]);
  }

  // One UDP datagram and its answer, from a fixed source port when given.
  async udpRequest(netns: string, ip: string, port: number, sourcePort?: number): Promise<RunResult> {
    const target = `UDP4:${ip}:${port}${sourcePort ? `,sourceport=${sourcePort},reuseaddr` : ''}`;
    return execIn(netns, 'socat', ['-T', '2', '-', target], { input: 'hello\n', allowFailure: true, timeoutMs: 5000 });
  }

  async dispose(): Promise<void> {
    for (const p of [...this.pods, ...(this.client ? [this.client] : [])]) await this.stopServer(p);
    // Pods first, then the node and outside (deleting a namespace removes its veth ends).
    await this.deleteNamespaces();
  }
}

// hostnameOf extracts "pod-0" from an echo server answer.
export function hostnameOf(answer: string): string | undefined {
  return /^Hostname: (\S+)$/m.exec(answer)?.[1];
}

export function remoteIPOf(answer: string): string | undefined {
  return /^RemoteAddr: ([0-9.]+):\d+$/m.exec(answer)?.[1];
}
