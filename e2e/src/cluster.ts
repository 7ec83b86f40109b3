// The Compose topology (deploy/compose) started with testcontainers on an --internal network:
// registry (the stand-in images), apiserver, endpoints-controller, workload-controller, dns,
// cloud-lb, node-1, node-2 (containerd + node-agent: pods are containers) and an outside client,
// all from svcnet/svcnet:local. The test process talks gRPC to the apiserver over the network's
// bridge (host side of the internal network; nothing reaches the uplink).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GenericContainer, StartedNetwork, Wait, getContainerRuntimeClient } from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';
import { ApiClient } from '@svcnet/api-client';
import type { ResourceClient } from '@svcnet/api-client';
import type { KubeObject } from '@svcnet/api-types';
import { waitFor } from '@svcnet/test-harness';

export const IMAGE = process.env.SVCNET_IMAGE ?? 'svcnet/svcnet:local';
export const REPO = path.resolve(__dirname, '..', '..');
export const LABEL = 'svcnet.e2e';
/** the pid of the test process: run.sh removes leftovers only of runs that are gone */
export const LABELS = { [LABEL]: 'true', 'svcnet.e2e.pid': String(process.pid) };
export const CLUSTER_DNS_IP = '10.96.0.10';
export const NODE_NAMES = ['node-1', 'node-2'];
/** the OCI layout of deploy/images/build-standins.sh that the registry container publishes */
export const STANDINS_LAYOUT = process.env.SVCNET_STANDINS_LAYOUT ?? '/var/cache/svcnet/standins/layout';
/** the node-agent's flags for the node container's containerd (started by the image's entrypoint) */
export const NODE_RUNTIME_FLAGS = [
  '--container-runtime-endpoint=unix:///run/containerd/containerd.sock',
  '--runtime-state-dir=/run/containerd',
  '--cni-bin-dir=/var/lib/svcnet/cni/bin',
  '--cni-conf-dir=/var/lib/svcnet/cni/net.d',
  '--state-dir=/var/lib/svcnet/node-agent',
];

/** GenericContainer with the node's security settings (no --privileged on this machine). */
export class SvcnetContainer extends GenericContainer {
  constructor(name: string, network: StartedNetwork, command: string[], image = IMAGE, ipv4?: string) {
    super(image);
    // Only the internal network: testcontainers' withNetworkAliases would create the container
    // on Docker's default bridge first and connect it afterwards, leaving it on both.
    this.withCommand(command).withNetwork(network).withHostname(name).withLabels(LABELS).withStartupTimeout(90_000);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network.getName()]: { Aliases: [name], ...(ipv4 ? { IPAMConfig: { IPv4Address: ipv4 } } : {}) } } };
  }
  asNode(): this {
    this.hostConfig.SecurityOpt = ['seccomp=unconfined', 'apparmor=unconfined'];
    this.hostConfig.Sysctls = { 'net.ipv4.ip_forward': '1' };
    return this.withAddedCapabilities('NET_ADMIN', 'SYS_ADMIN');
  }
  /**
   * A node that runs containerd (nested runc): the host's cgroup hierarchy writable, SYS_PTRACE, and
   * containerd's store plus the agent's state on anonymous volumes (overlay on the container's
   * overlay does not work), removed with the container (`rm -v`).
   */
  withContainerd(dnsIP?: string): this {
    this.asNode();
    this.createOpts.Volumes = { '/var/lib/containerd': {}, '/var/lib/svcnet': {} };
    // the LAN's DNS (svcnet's dns, no upstream) answers outside names at once with SERVFAIL, so
    // containerd moves from the unreachable real registry to the mirror without waiting for
    // Docker's resolver to time out (20 s per name on an --internal network)
    if (dnsIP) this.hostConfig.Dns = [dnsIP];
    // SYS_PTRACE: runc joins a pod's namespaces through /proc/<pause pid>/ns/*, and the pause
    // process runs as uid 65535 (opening another user's ns files needs it)
    return this.withAddedCapabilities('SYS_PTRACE').withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' }]);
  }
}

/**
 * A new Docker network created --internal (testcontainers' Network is not), labelled for
 * cleanup, on a free 10.210.x.0/24 so containers get fixed addresses (.10 apiserver, ...);
 * Docker's own allocation stays in .128-.199 (--ip-range).
 */
export async function createInternalNetwork(): Promise<{ network: StartedNetwork; subnet: string; prefix: string }> {
  const rt = await getContainerRuntimeClient();
  const name = `svcnet-e2e-${randomUUID().slice(0, 8)}`;
  let lastErr: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    const prefix = `10.210.${Math.floor(Math.random() * 250) + 1}`;
    const subnet = `${prefix}.0/24`;
    try {
      const net = await rt.network.create({
        Name: name,
        Driver: 'bridge',
        Internal: true, // no route to the host's uplink from any container of the test
        CheckDuplicate: true,
        Attachable: false,
        Ingress: false,
        EnableIPv6: false,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, IPRange: `${prefix}.128/26`, Gateway: `${prefix}.1` }] },
        Labels: LABELS,
      });
      return { network: new StartedNetwork(rt, name, net), subnet, prefix };
    } catch (e) {
      lastErr = e; // overlaps another network: try another /24
    }
  }
  throw new Error(`could not create an internal network: ${(lastErr as Error)?.message}`);
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


  /** fixed addresses on the /24, as in deploy/compose */
  static readonly HOSTS: Record<string, number> = { registry: 5, apiserver: 10, 'node-1': 11, 'node-2': 12, 'cloud-lb': 20, 'endpoints-controller': 30, 'workload-controller': 31, dns: 53, client: 100 };
  prefix = '';
  pki = '';
  addr(name: string): string {
    return `${this.prefix}.${Cluster.HOSTS[name]}`;
  }
  /** `--apiserver` + mutual TLS flags for one app (its own certificate from the certs tool) */
  apiFlags(app: string): string[] {
    return ['--apiserver=apiserver:6444', '--tls-ca-file=/pki/ca.crt', `--tls-cert-file=/pki/${app}.crt`, `--tls-private-key-file=/pki/${app}.key`];
  }
  /** the kubeconfig the certs tool wrote for the admin (server https://<apiserver>:6443) */
  get kubeconfig(): string {
    return path.join(this.pki, 'admin.kubeconfig');
  }

  /** the registry's URL: every node's containerd mirrors the tutorial registries to it */
  get registryMirror(): string {
    return `http://${this.addr('registry')}:5000`;
  }

  private container(n: string, cmd: string[], node: false | 'caps' | 'containerd' = false): SvcnetContainer {
    const c = new SvcnetContainer(n, this.network!, cmd, IMAGE, this.addr(n))
      .withCopyDirectoriesToContainer([{ source: this.pki, target: '/pki' }])
      .withEnvironment({ SVCNET_LOG_LEVEL: 'info', ...(node ? { SVCNET_SUPERVISE: 'true' } : {}), ...(node === 'containerd' ? { SVCNET_START_CONTAINERD: 'true', SVCNET_REGISTRY_MIRROR: this.registryMirror } : {}) });
    if (node === 'containerd') c.withContainerd(this.addr('dns'));
    else if (node) c.asNode();
    return c;
  }

  startedAt = 0;
  async start(log: (m: string) => void = () => {}): Promise<void> {
    const t0 = Date.now();
    this.startedAt = t0;
    const { network, subnet, prefix } = await createInternalNetwork();
    this.network = network;
    this.subnet = subnet;
    this.prefix = prefix;
    this.lbPool = [`${prefix}.200`, `${prefix}.250`];
    log(`network ${network.getName()} ${subnet} (internal), LB pool ${this.lbPool.join('-')}`);

    // certificates for the apiserver (SANs: its name and fixed address), each app and the admin
    this.pki = fs.mkdtempSync('/var/tmp/svcnet-e2e-pki-');
    const certs = spawnSync(process.execPath, [path.join(REPO, 'apps/apiserver/dist/certs-main.js'), '--dir', this.pki, '--hosts', `apiserver,${this.addr('apiserver')},127.0.0.1,localhost`, '--server', `https://${this.addr('apiserver')}:6443`], { encoding: 'utf8' });
    if (certs.status !== 0) throw new Error(`certs tool failed: ${certs.stderr}`);
    for (const f of fs.readdirSync(this.pki)) fs.chmodSync(path.join(this.pki, f), 0o644);

    const ready = Wait.forLogMessage(/"ready":true/);
    const start = async (n: string, cmd: string[], node: false | 'caps' = false) => {
      const t = Date.now();
      this.containers.set(n, await this.container(n, cmd, node).withWaitStrategy(ready).start());
      log(`${n} ready in ${Date.now() - t} ms`);
    };
    // the registry publishes the stand-ins (a few seconds) while the control plane starts
    if (!fs.existsSync(path.join(STANDINS_LAYOUT, 'index.json'))) throw new Error(`no stand-in images at ${STANDINS_LAYOUT}: run deploy/images/build-standins.sh (e2e/run.sh does)`);
    const registry = (async () => {
      const t = Date.now();
      const c = await new SvcnetContainer('registry', this.network!, ['svcnet-registry', '--listen=0.0.0.0:5000', '--storage=/var/lib/registry', '--layout=/standins/layout'], IMAGE, this.addr('registry'))
        .withBindMounts([{ source: STANDINS_LAYOUT, target: '/standins/layout', mode: 'ro' }])
        .withWaitStrategy(Wait.forLogMessage(/"ready":true/))
        .start();
      this.containers.set('registry', c);
      log(`registry ready in ${Date.now() - t} ms`);
    })();
    registry.catch(() => undefined); // awaited below; a failure must not be an unhandled rejection meanwhile
    await start('apiserver', [
      'apiserver',
      '--storage=file:/var/lib/svcnet/apiserver',
      '--grpc-listen=0.0.0.0:6444',
      '--http-listen=0.0.0.0:6443',
      '--tls-cert-file=/pki/apiserver.crt',
      '--tls-private-key-file=/pki/apiserver.key',
      '--client-ca-file=/pki/ca.crt',
      '--token-auth-file=/pki/tokens.csv',
      '--health-host=0.0.0.0',
      '--health-port=8080',
    ]);
    this.reconnect();
    log(`apiserver ${this.ip('apiserver')} (${Date.now() - t0} ms)`);
    await Promise.all([
      start('endpoints-controller', ['endpoints-controller', ...this.apiFlags('endpoints-controller'), '--health-host=0.0.0.0']),
      // a Node without heartbeats (every 5 s) for 15 s gets Ready=Unknown (scenario 14d)
      start('workload-controller', ['workload-controller', ...this.apiFlags('workload-controller'), '--health-host=0.0.0.0', '--node-monitor-grace-period=15', '--node-monitor-period=2']),
      start('dns', ['dns', ...this.apiFlags('dns'), '--listen=0.0.0.0:53', '--resolv-conf=/dev/null', '--health-host=0.0.0.0']),
      start('cloud-lb', ['cloud-lb', ...this.apiFlags('cloud-lb'), `--pool=${this.lbPool.join('-')}`, '--interface=eth0', '--dataplane=userspace', '--health-host=0.0.0.0'], 'caps'),
      // the outside client prints no ready line: the default wait (no ports) returns at once
      this.container('client', ['sleep', 'infinity']).start().then((c) => void this.containers.set('client', c)),
    ]);
    await this.ensureClusterDns();
    await registry;
    await Promise.all(NODE_NAMES.map(async (n) => {
      const t = Date.now();
      await this.startNode(n);
      log(`${n} ready in ${Date.now() - t} ms`);
    }));
    log(`cluster up in ${Date.now() - t0} ms`);
    this.timings.clusterStartMs = Date.now() - t0;
  }

  async startNode(n: string): Promise<void> {
    const cmd = ['node-agent', ...this.apiFlags('node-agent'), `--node-name=${n}`, `--node-ip=${this.addr(n)}`, `--cluster-dns=${CLUSTER_DNS_IP}`, ...NODE_RUNTIME_FLAGS];
    this.containers.set(n, await this.container(n, cmd, 'containerd').withWaitStrategy(Wait.forLogMessage(/"ready":true/)).start());
  }

  /** whether a node container is running (14c/14d `docker kill` node-2) */
  nodeRunning(n: string): boolean {
    const c = this.containers.get(n);
    if (!c) return false;
    const r = spawnSync('docker', ['inspect', '-f', '{{.State.Running}}', c.getId()], { encoding: 'utf8' });
    return r.stdout.trim() === 'true';
  }

  /** a killed node container replaced by a fresh one (same name and address; the agent re-creates its pods) */
  async replaceNode(n: string): Promise<void> {
    const old = this.containers.get(n);
    if (old) spawnSync('docker', ['rm', '-f', '-v', old.getId()]);
    this.containers.delete(n);
    await this.startNode(n);
  }

  /** kubectl on this host with the admin kubeconfig (the apiserver's HTTPS API over the bridge) */
  kubectl(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
    const r = spawnSync('kubectl', ['--kubeconfig', this.kubeconfig, ...args], { encoding: 'utf8', input, timeout: 60_000 });
    return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
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

  /** (re)connect the host-side gRPC client as the admin, over mutual TLS */
  reconnect(): void {
    this.client?.close();
    const f = (n: string) => path.join(this.pki, n);
    this.client = new ApiClient({ address: `${this.addr('apiserver')}:6444`, caFile: f('ca.crt'), certFile: f('admin.crt'), keyFile: f('admin.key'), timeoutMs: 20_000 });
  }

  async stop(): Promise<void> {
    this.client?.close();
    // a container a test killed may refuse a graceful stop: remove it by force then
    await Promise.allSettled([...this.containers.values()].map((c) => c.stop({ remove: true, removeVolumes: true, timeout: 2 }).catch(() => spawnSync('docker', ['rm', '-f', '-v', c.getId()]))));
    this.containers.clear();
    await removePodCgroups(NODE_NAMES, this.startedAt);
    if (this.network) await this.network.stop().catch(() => undefined);
    if (this.pki) fs.rmSync(this.pki, { recursive: true, force: true });
  }

  async exec(container: string, cmd: string, env: Record<string, string> = {}): Promise<ExecOut> {
    const r = await this.c(container).exec(['sh', '-c', cmd], { env });
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  /**
   * runs `cmd` with sh inside a pod's (first) container, like `kubectl exec` but without the
   * agent (it may be restarting): nsenter on the node into the namespaces of the container's
   * process (its own root file system with the image's tools, resolv.conf, hostname, PIDs)
   */
  async inPod(namespace: string, name: string, cmd: string, container?: string): Promise<ExecOut> {
    const pod = await this.res('pods').get(namespace, name);
    const node = pod.spec.nodeName as string;
    const statuses = (pod.status?.containerStatuses ?? []) as any[];
    const st = container ? statuses.find((c) => c.name === container) : statuses[0];
    const id = /^containerd:\/\/(.+)$/.exec(st?.containerID ?? '')?.[1];
    if (!id) return { exitCode: 99, stdout: '', stderr: `pod ${namespace}/${name} has no containerd container yet (${JSON.stringify(statuses.map((c) => c.containerID))})` };
    return this.exec(node, 'p=$(ctr -n k8s.io tasks ls | awk -v id="$ID" \'$1 == id { print $2 }\'); [ -n "$p" ] && [ "$p" != 0 ] || { echo "no running task $ID" >&2; exit 99; }; exec nsenter -t "$p" -m -u -i -n -p sh -c "$CMD"', { ID: id, CMD: cmd });
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

/**
 * The nodes' runc made the pods' cgroups in the host's hierarchy (cgroupfs driver, v1), under
 * /svcnet/<node>/pod<uid>/<container>: once the node containers are gone they are empty; remove
 * the ones made since `since` (rmdir fails on a cgroup still in use).
 */
export async function removePodCgroups(nodes: string[], since: number): Promise<void> {
  // the killed containers' processes may still be exiting: retry busy cgroups for a few seconds
  for (let i = 0; i < 20 && removePodCgroupsOnce(nodes, since) > 0; i++) await new Promise((r) => setTimeout(r, 250));
}
function removePodCgroupsOnce(nodes: string[], since: number): number {
  let busy = 0;
  if (!since) return 0;
  for (const ctl of fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup') : []) {
    for (const n of nodes) {
      const root = path.join('/sys/fs/cgroup', ctl, 'svcnet', n);
      const walk = (dir: string): void => {
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
        try {
          if (dir !== root && fs.statSync(dir).mtimeMs >= since - 1000) fs.rmdirSync(dir);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EBUSY') busy++; // still has tasks
        }
      };
      walk(root);
    }
  }
  return busy;
}

const KINDS: Record<string, { resource: string; namespaced: boolean }> = {
  Namespace: { resource: 'namespaces', namespaced: false },
  Pod: { resource: 'pods', namespaced: true },
  Service: { resource: 'services', namespaced: true },
  Endpoints: { resource: 'endpoints', namespaced: true },
  Deployment: { resource: 'deployments', namespaced: true },
  NetworkPolicy: { resource: 'networkpolicies', namespaced: true },
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
