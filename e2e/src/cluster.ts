// The Compose topology (deploy/compose) started with testcontainers on an --internal network:
// apiserver, endpoints-controller, workload-controller, dns, cloud-lb, node-1, node-2 and an
// outside client, all from svcnet/svcnet:local. The test process talks gRPC to the apiserver
// over the network's bridge (host side of the internal network; nothing reaches the uplink).
import { randomUUID } from 'node:crypto';
import { GenericContainer, StartedNetwork, Wait, getContainerRuntimeClient } from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';
import { ApiClient } from '@svcnet/api-client';
import type { ResourceClient } from '@svcnet/api-client';
import type { KubeObject } from '@svcnet/api-types';
import { waitFor } from '@svcnet/test-harness';

export const IMAGE = process.env.SVCNET_IMAGE ?? 'svcnet/svcnet:local';
export const LABEL = 'svcnet.e2e';
export const CLUSTER_DNS_IP = '10.96.0.10';
export const NODE_NAMES = ['node-1', 'node-2'];

/** GenericContainer with the node's security settings (no --privileged on this machine). */
export class SvcnetContainer extends GenericContainer {
  constructor(name: string, network: StartedNetwork, command: string[], image = IMAGE) {
    super(image);
    this.withCommand(command)
      .withNetwork(network)
      .withNetworkAliases(name)
      .withHostname(name)
      .withLabels({ [LABEL]: 'true' })
      .withStartupTimeout(90_000);
  }
  asNode(): this {
    this.hostConfig.SecurityOpt = ['seccomp=unconfined', 'apparmor=unconfined'];
    this.hostConfig.Sysctls = { 'net.ipv4.ip_forward': '1' };
    return this.withAddedCapabilities('NET_ADMIN', 'SYS_ADMIN');
  }
}

/** a new Docker network created --internal (testcontainers' Network is not), labelled for cleanup */
export async function createInternalNetwork(): Promise<{ network: StartedNetwork; subnet: string }> {
  const rt = await getContainerRuntimeClient();
  const name = `svcnet-e2e-${randomUUID().slice(0, 8)}`;
  // Internal: no route to the host's uplink from any container of the test.
  const net = await rt.network.create({ Name: name, Driver: 'bridge', Internal: true, CheckDuplicate: true, Attachable: false, Ingress: false, EnableIPv6: false, Labels: { [LABEL]: 'true' } });
  const network = new StartedNetwork(rt, name, net);
  const info = await net.inspect();
  const subnet = info.IPAM?.Config?.[0]?.Subnet ?? '';
  if (!subnet) {
    await network.stop();
    throw new Error(`network ${name} has no IPv4 subnet`);
  }
  return { network, subnet };
}

function ipv4ToNum(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
function numToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface ExecOut {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class Cluster {
  readonly containers = new Map<string, StartedTestContainer>();
  network?: StartedNetwork;
  subnet = '';
  client?: ApiClient;
  lbPool: [string, string] = ['', ''];
  readonly timings: Record<string, number> = {};

  get api(): ApiClient {
    if (!this.client) throw new Error('cluster not started');
    return this.client;
  }
  res<T extends KubeObject = any>(resource: string): ResourceClient<T> {
    return this.api.resource<T>(resource);
  }
  c(name: string): StartedTestContainer {
    const c = this.containers.get(name);
    if (!c) throw new Error(`no container ${name}`);
    return c;
  }
  ip(name: string): string {
    return this.c(name).getIpAddress(this.network!.getName());
  }

  async start(log: (m: string) => void = () => {}): Promise<void> {
    const t0 = Date.now();
    const { network, subnet } = await createInternalNetwork();
    this.network = network;
    this.subnet = subnet;
    const name = network.getName();
    const [base, bits] = this.subnet.split('/');
    const bcast = ipv4ToNum(base) + 2 ** (32 - Number(bits)) - 1;
    // Docker hands out addresses from the bottom; the LB pool takes the top of the subnet.
    this.lbPool = [numToIpv4(bcast - 60), numToIpv4(bcast - 10)];
    log(`network ${name} ${this.subnet} (internal), LB pool ${this.lbPool.join('-')}`);

    const api = ['--apiserver=apiserver:6444', '--insecure'];
    const ready = Wait.forLogMessage(/"ready":true/);
    const start = async (n: string, cmd: string[], node = false, env: Record<string, string> = {}) => {
      const c = new SvcnetContainer(n, this.network!, cmd).withWaitStrategy(ready).withEnvironment({ SVCNET_LOG_LEVEL: 'info', ...env });
      if (node) c.asNode();
      this.containers.set(n, await c.start());
    };
    await start('apiserver', ['apiserver', '--storage=file:/var/lib/svcnet/apiserver', '--grpc-listen=0.0.0.0:6444', '--insecure', '--health-host=0.0.0.0', '--health-port=8080']);
    this.client = new ApiClient({ address: `${this.ip('apiserver')}:6444`, insecure: true, timeoutMs: 20_000 });
    log(`apiserver ${this.ip('apiserver')} (${Date.now() - t0} ms)`);
    await Promise.all([
      start('endpoints-controller', ['endpoints-controller', ...api, '--health-host=0.0.0.0']),
      start('workload-controller', ['workload-controller', ...api, '--health-host=0.0.0.0']),
      start('dns', ['dns', ...api, '--listen=0.0.0.0:53', '--resolv-conf=/dev/null', '--health-host=0.0.0.0']),
      start('cloud-lb', ['cloud-lb', ...api, `--pool=${this.lbPool.join('-')}`, '--interface=eth0', '--dataplane=userspace', '--health-host=0.0.0.0'], true),
      // the outside client prints no ready line: the default wait (no ports) returns at once
      new SvcnetContainer('client', this.network!, ['sleep', 'infinity']).start().then((c) => void this.containers.set('client', c)),
    ]);
    await this.ensureClusterDns();
    for (const n of NODE_NAMES) await this.startNode(n, api);
    log(`cluster up in ${Date.now() - t0} ms`);
    this.timings.clusterStartMs = Date.now() - t0;
  }

  async startNode(n: string, api = ['--apiserver=apiserver:6444', '--insecure']): Promise<void> {
    const c = new SvcnetContainer(n, this.network!, ['node-agent', ...api, `--node-name=${n}`, `--cluster-dns=${CLUSTER_DNS_IP}`, '--state-dir=/var/lib/svcnet/node-agent'])
      .asNode()
      .withEnvironment({ SVCNET_SUPERVISE: 'true', SVCNET_LOG_LEVEL: 'info' })
      .withWaitStrategy(Wait.forLogMessage(/"ready":true/));
    this.containers.set(n, await c.start());
  }

  /** kube-system/kube-dns: ClusterIP 10.96.0.10 -> the dns container (as deploy/compose's bootstrap) */
  private async ensureClusterDns(): Promise<void> {
    const labels = { 'k8s-app': 'kube-dns' };
    const ports = [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ];
    await this.res('services').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels }, spec: { clusterIP: CLUSTER_DNS_IP, ports: ports.map((p) => ({ ...p, targetPort: 53 })) } } as any);
    await this.res('endpoints').create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kube-dns', namespace: 'kube-system', labels }, subsets: [{ addresses: [{ ip: this.ip('dns') }], ports }] } as any);
  }

  /** reconnect the host-side client (after an apiserver restart the address may change) */
  reconnect(): void {
    this.client?.close();
    this.client = new ApiClient({ address: `${this.ip('apiserver')}:6444`, insecure: true, timeoutMs: 20_000 });
  }

  async stop(): Promise<void> {
    this.client?.close();
    await Promise.allSettled([...this.containers.values()].map((c) => c.stop({ remove: true, removeVolumes: true, timeout: 2 })));
    this.containers.clear();
    if (this.network) await this.network.stop().catch(() => undefined);
  }

  async exec(container: string, cmd: string, env: Record<string, string> = {}): Promise<ExecOut> {
    const r = await this.c(container).exec(['sh', '-c', cmd], { env });
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  /** runs `cmd` with sh inside a pod: its network, mount (resolv.conf) and uts namespaces */
  async inPod(namespace: string, name: string, cmd: string): Promise<ExecOut> {
    const pod = await this.res('pods').get(namespace, name);
    const node = pod.spec.nodeName as string;
    const netns = `svcnet-${node}-${(pod.metadata.uid as string).replace(/-/g, '').slice(0, 12)}`;
    return this.exec(node, 'p=$(ip netns pids "$NETNS" | head -1); [ -n "$p" ] || { echo "no process in $NETNS" >&2; exit 99; }; exec nsenter -t "$p" -n -m -u sh -c "$CMD"', { NETNS: netns, CMD: cmd });
  }

  async apply(obj: any): Promise<any> {
    const r = resourceFor(obj.kind);
    obj.metadata.namespace ??= r.namespaced ? 'default' : undefined;
    try {
      return await this.res(r.resource).create(obj);
    } catch (e: any) {
      if (e?.reason !== 'AlreadyExists') throw e;
      const cur = await this.res(r.resource).get(obj.metadata.namespace, obj.metadata.name);
      return this.res(r.resource).update({ ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata!.resourceVersion } });
    }
  }

  async readyPods(namespace: string, selector: string, n: number, timeoutMs = 60_000): Promise<any[]> {
    return waitFor(
      `${n} ready pods ${selector} in ${namespace}`,
      async () => {
        const pods = (await this.res('pods').list({ namespace, labelSelector: selector })).items as any[];
        const ready = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.podIP && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
        return ready.length === n ? ready : undefined;
      },
      timeoutMs,
      300,
    );
  }

  /** dumps the last log lines of every container (for failures) */
  async dumpLogs(lines = 30): Promise<string> {
    const out: string[] = [];
    for (const [n, c] of this.containers) {
      try {
        const stream = await c.logs({ tail: lines });
        const text = await new Promise<string>((resolve) => {
          let s = '';
          stream.on('data', (d: Buffer) => (s += d.toString()));
          stream.on('end', () => resolve(s));
          setTimeout(() => resolve(s), 2000);
        });
        out.push(`--- ${n}\n${text}`);
      } catch (e) {
        out.push(`--- ${n}: ${(e as Error).message}`);
      }
    }
    return out.join('\n');
  }
}

const KINDS: Record<string, { resource: string; namespaced: boolean }> = {
  Namespace: { resource: 'namespaces', namespaced: false },
  Pod: { resource: 'pods', namespaced: true },
  Service: { resource: 'services', namespaced: true },
  Endpoints: { resource: 'endpoints', namespaced: true },
  Deployment: { resource: 'deployments', namespaced: true },
};
function resourceFor(kind: string): { resource: string; namespaced: boolean } {
  const r = KINDS[kind];
  if (!r) throw new Error(`e2e apply: unsupported kind ${kind}`);
  return r;
}

// ---- manifests -------------------------------------------------------------------------
export function deployment(name: string, opts: { namespace?: string; replicas?: number; labels: Record<string, string>; image: string; env?: Record<string, string>; ports?: { name?: string; containerPort: number }[]; command?: string[] }): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: opts.namespace ?? 'default' },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: opts.labels },
      template: {
        metadata: { labels: opts.labels },
        spec: {
          containers: [
            {
              name: name.replace(/[^a-z0-9-]/g, '-'),
              image: opts.image,
              ...(opts.command ? { command: opts.command } : {}),
              env: Object.entries(opts.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
              ports: opts.ports ?? [{ containerPort: 80 }],
              readinessProbe: { tcpSocket: { port: opts.ports?.[0]?.containerPort ?? 80 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

export function service(name: string, spec: any, namespace = 'default'): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

export function toolsPod(name: string, namespace = 'default'): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { role: 'tools' } }, spec: { containers: [{ name: 'tools', image: 'nicolaka/netshoot', command: ['sleep', 'infinity'] }] } };
}
