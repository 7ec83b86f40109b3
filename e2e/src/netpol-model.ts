// Kubernetes' network-policy e2e model on the Compose topology: namespaces x, y, z (labelled
// ns=<name>) with pods a, b, c (labelled pod=<name>; a and b pinned to node-1, c to node-2 with
// spec.nodeName, so every "-> c" / "c ->" cell crosses the nodes' LAN), each a busybox stand-in
// serving HTTP on 80 and 81 (httpd, named container ports serve-80-tcp / serve-81-tcp) and an
// echo on 7 (nc -ll -e cat) for long-lived connections.
// probe() builds the truth table from every pod to every other pod: ONE `docker exec` per node
// runs every source pod of that node (nsenter into the pod's namespaces, the image's own
// wget/timeout) against every target in parallel; a drop is a 1 s timeout (busybox's timeout
// takes whole seconds).
import { spawn } from 'node:child_process';
import { MODEL_NAMESPACES, MODEL_PEERS, TruthTable, podOf } from '@svcnet/network-policy';
import { waitFor } from '@svcnet/test-harness';
import type { Cluster } from './cluster';

export const PROBE_TIMEOUT_S = 1;
const SERVE = 'mkdir -p /www && echo ok > /www/index.html && httpd -p 81 -h /www && (nc -ll -p 7 -e cat &) && exec httpd -f -p 80 -h /www';

export interface Probe {
  from: string;
  /** host:port */
  to: string;
}

export class NetpolModel {
  readonly ips = new Map<string, string>();
  readonly nodes = new Map<string, string>();
  private readonly pids = new Map<string, number>();
  /** wall time of every probe round (ms), for the report */
  readonly roundsMs: number[] = [];

  constructor(private readonly cluster: Cluster) {}

  static nodeOf(peer: string): string {
    return podOf(peer) === 'c' ? 'node-2' : 'node-1';
  }

  ip(peer: string): string {
    const ip = this.ips.get(peer);
    if (!ip) throw new Error(`no model pod ${peer}`);
    return ip;
  }

  async setup(): Promise<void> {
    for (const ns of MODEL_NAMESPACES) await this.cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ns } } });
    await Promise.all(
      MODEL_PEERS.map((peer) => {
        const [namespace, name] = peer.split('/');
        return this.cluster.apply({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { namespace, name, labels: { pod: name } },
          spec: {
            nodeName: NetpolModel.nodeOf(peer),
            terminationGracePeriodSeconds: 1,
            containers: [
              {
                name: 'srv',
                image: 'busybox',
                command: ['sh', '-c', SERVE],
                ports: [
                  { name: 'serve-80-tcp', containerPort: 80 },
                  { name: 'serve-81-tcp', containerPort: 81 },
                  { name: 'echo', containerPort: 7 },
                ],
                // the node's own traffic (the agent's probes) must pass every policy
                readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
              },
            ],
          },
        });
      }),
    );
    for (const ns of MODEL_NAMESPACES) {
      for (const p of await this.cluster.readyPods(ns, 'pod', 3, 120_000)) {
        const peer = `${ns}/${p.metadata.name}`;
        this.ips.set(peer, p.status.podIP);
        this.nodes.set(peer, p.spec.nodeName);
      }
    }
    await this.resolvePids();
  }

  /** the pid of every model pod's container on its node (ctr tasks ls; one exec per node) */
  private async resolvePids(): Promise<void> {
    const ids = new Map<string, string>();
    for (const peer of MODEL_PEERS) {
      const [ns, name] = peer.split('/');
      const pod = await this.cluster.res('pods').get(ns, name);
      const id = /^containerd:\/\/(.+)$/.exec(pod.status?.containerStatuses?.[0]?.containerID ?? '')?.[1];
      if (!id) throw new Error(`${peer} has no containerd container`);
      ids.set(peer, id);
    }
    for (const node of new Set(this.nodes.values())) {
      const out = (await this.cluster.exec(node, 'ctr -n k8s.io tasks ls')).stdout;
      const byId = new Map(out.split('\n').map((l) => l.trim().split(/\s+/)).map(([id, pid]) => [id, Number(pid)] as const));
      for (const [peer, id] of ids) if (this.nodes.get(peer) === node) {
        const pid = byId.get(id);
        if (!pid) throw new Error(`no running task for ${peer} (${id}) on ${node}`);
        this.pids.set(peer, pid);
      }
    }
  }

  /** HTTP GETs, all in parallel: true when the body ("ok") came back within PROBE_TIMEOUT_S */
  async probes(list: Probe[]): Promise<boolean[]> {
    const t0 = Date.now();
    const byNode = new Map<string, Map<string, string[]>>();
    for (const p of list) {
      const node = this.nodes.get(p.from)!;
      const srcs = byNode.get(node) ?? new Map<string, string[]>();
      byNode.set(node, srcs);
      srcs.set(p.from, [...(srcs.get(p.from) ?? []), p.to]);
    }
    const results = new Map<string, boolean>();
    await Promise.all(
      [...byNode].map(async ([node, srcs]) => {
        // per source: nsenter into the pod (its busybox wget/timeout), one background GET per target
        const script = [...srcs]
          .map(([from, targets]) => {
            const inner = `for t in ${targets.join(' ')}; do (if timeout ${PROBE_TIMEOUT_S} wget -q -O - http://$t/ 2>/dev/null | grep -q ok; then echo "R ${from} $t ok"; else echo "R ${from} $t no"; fi) & done; wait`;
            return `nsenter -t ${this.pids.get(from)} -m -u -i -n -p sh -c '${inner}' &`;
          })
          .join('\n');
        const r = await this.cluster.exec(node, `${script}\nwait`);
        for (const line of r.stdout.split('\n')) {
          const m = /^R (\S+) (\S+) (ok|no)$/.exec(line.trim());
          if (m) results.set(`${m[1]}>${m[2]}`, m[3] === 'ok');
        }
      }),
    );
    this.roundsMs.push(Date.now() - t0);
    return list.map((p) => {
      const v = results.get(`${p.from}>${p.to}`);
      if (v === undefined) throw new Error(`no probe result ${p.from} -> ${p.to}`);
      return v;
    });
  }

  /** the truth table on one port: every pod to every other pod (self is always allowed) */
  async probe(port = 80): Promise<TruthTable> {
    const list: (Probe & { target: string })[] = [];
    for (const from of MODEL_PEERS) for (const to of MODEL_PEERS) if (from !== to) list.push({ from, to: `${this.ip(to)}:${port}`, target: to });
    const res = await this.probes(list);
    const t = new TruthTable();
    list.forEach((p, i) => t.set(p.from, p.target, res[i]));
    return t;
  }

  /** waits until the probed table equals `want` on `port` (policies reach both nodes without a restart) */
  async expect(want: TruthTable, port = 80, timeoutMs = 20_000): Promise<number> {
    const t0 = Date.now();
    let got: TruthTable;
    for (;;) {
      got = await this.probe(port);
      if (got.equals(want)) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs) throw new Error(`TCP/${port} truth table differs after ${Date.now() - t0} ms ("*" = unexpected; rows: from, columns: to):\n${got.render(want)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * A long-lived TCP connection from `from` to `to`:7 (nc in the pod, through `docker exec -i`
   * on its node); send() resolves with the echoed line, or "timeout" after 3 s.
   */
  hold(from: string, to: string): { send(): Promise<string>; close(): void } {
    const node = this.cluster.c(this.nodes.get(from)!).getId();
    const p = spawn('docker', ['exec', '-i', node, 'nsenter', '-t', String(this.pids.get(from)), '-m', '-u', '-i', '-n', '-p', 'nc', this.ip(to), '7'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (buf += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (buf += `[stderr] ${d}`));
    let n = 0;
    return {
      send: async () => {
        const want = `echo ${++n}`;
        p.stdin.write(`${want}\n`);
        return waitFor(`"${want}" back`, () => buf.includes(want) && want, 3000, 50).catch(() => `timeout (got ${JSON.stringify(buf)})`);
      },
      close: () => {
        p.stdin.end();
        p.kill();
      },
    };
  }
}
