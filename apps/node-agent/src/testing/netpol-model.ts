// Kubernetes' network-policy e2e model on real pods: namespaces x, y, z (labelled ns=<name>)
// with pods a, b, c (labelled pod=<name>; a and b on the first node, c on the second), each
// serving TCP on 80 and 81 (busybox httpd in the container) and UDP on 80 and 81 (netpol-agnhost
// in the pod's network namespace), with named container ports serve-<port>-<tcp|udp>.
// probe() builds the truth table from every pod to every pod, all probes in parallel, a drop
// being a 1 s timeout.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { ApiClient } from '@svcnet/api-client';
import type { Namespace, Pod } from '@svcnet/api-types';
import { MODEL_NAMESPACES, MODEL_PEERS, MODEL_PORTS, MODEL_PROTOCOLS, TruthTable, modelPortName, podOf } from '@svcnet/network-policy';
import { waitFor } from '@svcnet/test-harness';
import { TEST_IMAGE, type ContainerdNode } from './containerd-node';

const AGNHOST = path.join(__dirname, 'netpol-agnhost.js');

export interface ModelPodRef {
  peer: string;
  ip: string;
  pid: number;
  node: ContainerdNode;
}

export class NetpolModel {
  readonly pods = new Map<string, ModelPodRef>();
  private readonly servers: ChildProcess[] = [];

  constructor(
    private readonly client: ApiClient,
    private readonly nodes: [ContainerdNode, ContainerdNode],
  ) {}

  nodeOf(peer: string): ContainerdNode {
    return podOf(peer) === 'c' ? this.nodes[1] : this.nodes[0];
  }

  ip(peer: string): string {
    return this.pods.get(peer)!.ip;
  }

  async setup(): Promise<void> {
    const nss = this.client.resource<Namespace>('namespaces');
    for (const ns of MODEL_NAMESPACES) await nss.create({ metadata: { name: ns, labels: { ns } } });
    const pods = this.client.resource<Pod>('pods');
    const serve = 'mkdir -p /www && echo ok > /www/index.html && httpd -p 81 -h /www && exec httpd -f -p 80 -h /www';
    for (const peer of MODEL_PEERS) {
      const [ns, name] = peer.split('/');
      await pods.create({
        metadata: { namespace: ns, name, labels: { pod: name } },
        spec: {
          nodeName: this.nodeOf(peer).o.nodeName,
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'srv', image: TEST_IMAGE, command: ['sh', '-c', serve], ports: MODEL_PORTS.flatMap((p) => MODEL_PROTOCOLS.map((protocol) => ({ name: modelPortName(p, protocol), containerPort: p, protocol }))) }],
        },
      } as Pod);
    }
    for (const peer of MODEL_PEERS) {
      const [ns, name] = peer.split('/');
      const pod = await waitFor(`${peer} running`, async () => {
        const p = await pods.get(ns, name);
        return p.status?.phase === 'Running' && p.status.podIP && p.status.containerStatuses?.[0]?.containerID ? p : undefined;
      }, 120_000, 300);
      const node = this.nodeOf(peer);
      const pid = node.containerPid(pod.status!.containerStatuses![0].containerID!);
      this.pods.set(peer, { peer, ip: pod.status!.podIP!, pid, node });
      const srv = spawn('nsenter', ['-t', String(pid), '-n', process.execPath, AGNHOST, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
      this.servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.stdout!.once('data', () => resolve());
        srv.once('exit', (c) => reject(new Error(`agnhost serve in ${peer} exited ${c}`)));
      });
    }
  }

  /** Runs probes from one pod; results per target. */
  probeFrom(from: string, targets: { ip: string; port: number; protocol: string }[]): Promise<{ ip: string; port: number; protocol: string; result: string }[]> {
    const pid = this.pods.get(from)!.pid;
    return new Promise((resolve, reject) =>
      execFile('nsenter', ['-t', String(pid), '-n', process.execPath, AGNHOST, 'probe', JSON.stringify(targets)], { timeout: 15_000 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout)))),
    );
  }

  /** The truth table for one protocol and port: every pod to every other pod (self is always allowed). */
  async probe(protocol = 'TCP', port = 80): Promise<TruthTable> {
    const t = new TruthTable();
    await Promise.all(
      MODEL_PEERS.map(async (from) => {
        const others = MODEL_PEERS.filter((p) => p !== from);
        const res = await this.probeFrom(from, others.map((to) => ({ ip: this.ip(to), port, protocol })));
        others.forEach((to, i) => t.set(from, to, res[i].result === 'ok'));
      }),
    );
    return t;
  }

  /** Waits until the probed table equals `want` (policies reach every node without a restart). */
  async expect(want: TruthTable, protocol = 'TCP', port = 80, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let got: TruthTable;
    for (;;) {
      got = await this.probe(protocol, port);
      if (got.equals(want)) return;
      if (Date.now() > deadline) throw new Error(`${protocol}/${port} truth table differs ("*" = unexpected):\n${got.render(want)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** A long-lived TCP connection from `from` to `to`:7; send() resolves with the echo, or "timeout". */
  hold(from: string, to: string): { send(): Promise<string>; close(): void } {
    const pid = this.pods.get(from)!.pid;
    const p = spawn('nsenter', ['-t', String(pid), '-n', process.execPath, AGNHOST, 'hold', this.ip(to)], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.servers.push(p);
    let buf = '';
    p.stdout!.setEncoding('utf8').on('data', (d) => (buf += d));
    let n = 0;
    const next = (): Promise<string> => {
      const want = `echo ${++n}`;
      const deadline = Date.now() + 3000;
      return new Promise((resolve) => {
        const tick = () => (buf.includes(want) ? resolve(want) : Date.now() > deadline ? resolve('timeout') : setTimeout(tick, 50));
        tick();
      });
    };
    let first = true;
    return {
      send: () => {
        if (!first) p.stdin!.write('\n');
        first = false;
        return next();
      },
      close: () => p.kill(),
    };
  }

  stop(): void {
    for (const s of this.servers) s.kill();
  }
}
