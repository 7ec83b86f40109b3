// `svcnet up | down | status`: a whole svcnet cluster on this Linux host, with each node in
// its own network namespace and a LAN bridge no outside traffic can reach.
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { announceReady, findReadyLine, parseFlags } from '@svcnet/observability';
import { ApiClient } from '@svcnet/api-client';
import type { Endpoints, Service } from '@svcnet/api-types';
import { ApiError } from '@svcnet/api-types';
import { localTopology, type LocalTopology } from './topology';
import { createNetwork, destroyNetwork } from './network-setup';
import { Supervisor, alive, stopPid } from './supervisor';
import { readState, removeState, writeState } from './cluster-state';
import { Progress } from './progress';
import { svcnetKubeconfig } from './kubeconfig';
import { installKubeconfig, kubeconfigTarget, uninstallKubeconfig, type KubeconfigTarget } from './kubeconfig-file';
import { loadImages } from './image-load';
import { nodeCgroupRoot, nodeRuntimePaths, removeNodeCgroups, startNodeRuntime, stopNodeRuntime } from './node-runtime';
import { buildStandins, publishStandins, startRegistry, type RegistryHandle } from '@svcnet/local-registry';
import type { ContainerdProcess } from '@svcnet/containerd';

const REPO = path.resolve(__dirname, '../../..');
const appMain = (app: string) => path.join(REPO, 'apps', app, 'dist', 'main.js');

const FLAGS = {
  nodes: { default: '2', help: 'number of nodes (network namespaces) to start' },
  'state-dir': { default: '/var/lib/svcnet', help: 'persistent state: the apiserver store, node state, kubeconfig, certs' },
  'run-dir': { default: '/run/svcnet', help: 'sockets, pid records and logs of the running cluster' },
  prefix: { default: 'svcnet', help: 'prefix of the network namespaces the cluster creates' },
  'lb-pool': { default: '10.78.42.0/24', help: 'addresses the cloud-lb hands to LoadBalancer Services' },
  'api-port': { default: '6443', help: 'port of the kubectl API on 127.0.0.1 (0: no kubectl API)' },
  purge: { boolean: true, default: 'false', help: 'down: also delete the state dir (the stored objects)' },
  detach: { boolean: true, default: 'false', help: 'up: return once the cluster is ready and leave it running in the background' },
  kubeconfig: { default: '', help: 'kubeconfig that up merges the svcnet context into and down removes it from (default: ~/.kube/config of $SUDO_USER, else of root; SVCNET_NO_KUBECONFIG=1: none)' },
};

type Flags = Record<keyof typeof FLAGS, string>;

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  const positional = rest.filter((a) => !a.startsWith('--'));
  const f = parseFlags(FLAGS, rest.filter((a) => a.startsWith('--'))) as Flags;
  if (process.getuid?.() !== 0) throw new Error('svcnet needs root (network namespaces, nftables)');
  switch (cmd) {
    case 'up':
      return up(f);
    case 'down':
      return down(f);
    case 'status':
      return status(f);
    case 'kubeconfig':
      return printKubeconfig(f);
    case 'images':
      if (positional[0] !== 'load') throw new Error('usage: svcnet images load <image archive>...');
      return imagesLoad(f, positional.slice(1));
    default:
      process.stdout.write('usage: svcnet up [--detach] | down [--purge] | status | kubeconfig | images load <archive>...   (flags: --help)\n');
      process.exit(cmd ? 2 : 0);
  }
}

async function up(f: Flags): Promise<void> {
  const existing = readState(f['run-dir']);
  if (existing && alive(existing.supervisorPid)) throw new Error(`a cluster is already running (pid ${existing.supervisorPid}); run "svcnet down" first`);
  if (f.detach === 'true') return detach(f);

  const t = localTopology(Number(f.nodes), f.prefix);
  const progress = new Progress();
  const runDir = f['run-dir'];
  const stateDir = f['state-dir'];
  fs.mkdirSync(runDir, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  assertBuilt();

  // Leftovers of a cluster that was not stopped cleanly.
  await destroyNetwork(t, () => undefined);

  const sock = `unix://${path.join(runDir, 'apiserver.sock')}`;
  const apiPort = f['api-port'];
  const pki = ensurePki(stateDir, apiPort);
  const tlsFor = (app: string) => [`--tls-ca-file=${pki}/ca.crt`, `--tls-cert-file=${pki}/${app}.crt`, `--tls-private-key-file=${pki}/${app}.key`];
  const apiFlags = (app: string) => [`--apiserver=${sock}`, ...tlsFor(app)];
  let shuttingDown = false;
  const runtimes = new Map<string, ContainerdProcess>();
  let registry: RegistryHandle | undefined;
  const sup = new Supervisor(path.join(runDir, 'logs'), (p, code) => {
    if (!shuttingDown) process.stdout.write(`!! ${p.name} exited (${code}); see ${p.logFile}\n`);
  });
  const record = (kubeconfig?: string) =>
    writeState(runDir, {
      supervisorPid: process.pid,
      prefix: t.prefix,
      nodes: t.nodes.length,
      processes: [
        ...sup.procs.map((p) => ({ name: p.name, pid: p.pid, logFile: p.logFile })),
        ...[...runtimes].map(([node, c]) => ({ name: `containerd-${node}`, pid: c.pid, logFile: path.join(runDir, 'logs', `containerd-${node}.log`) })),
        ...(registry ? [{ name: 'registry', pid: registry.pid, logFile: path.join(runDir, 'logs', 'registry.log') }] : []),
      ],
      kubeconfig,
      startedAt: new Date().toISOString(),
    });
  const teardown = async (why: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    process.stdout.write(`\nstopping (${why})\n`);
    const p = new Progress();
    await sup.stopAll();
    p.step('processes stopped');
    for (const n of t.nodes) {
      await stopNodeRuntime(nodeRuntimePaths(stateDir, runDir, n), runtimes.get(n.name));
      removeNodeCgroups(nodeCgroupRoot(t.prefix, n));
      p.step(`containerd ${n.name} stopped, its pods removed`);
    }
    await registry?.stop();
    removeUserKubeconfig(f, (m) => p.step(m));
    await destroyNetwork(t, (m) => p.step(m));
    removeState(runDir);
    fs.rmSync(sock.slice('unix://'.length), { force: true });
    process.stdout.write(`stopped in ${p.total()}; state kept in ${stateDir}\n`);
    process.exit(0);
  };
  process.on('SIGINT', () => void teardown('SIGINT'));
  process.on('SIGTERM', () => void teardown('SIGTERM'));

  try {
    // the stand-ins for the tutorials' images, built from Debian packages (cached after the first run)
    const layout = await buildStandins({ onLine: (l) => progress.step(`stand-in images: ${l}`) });
    await createNetwork(t, (m) => progress.step(m));
    record();
    const registryAddr = `${t.registryIP}:5000`;
    registry = await startRegistry({
      listen: registryAddr,
      storageDir: path.join(stateDir, 'registry'),
      configPath: path.join(runDir, 'registry.yml'),
      logFile: path.join(runDir, 'logs', 'registry.log'),
      netnsPath: `/run/netns/${t.lanNetns}`,
    });
    const pub = await publishStandins({ layoutDir: layout, registry: registryAddr, netnsPath: `/run/netns/${t.lanNetns}` });
    progress.step(`local registry ${registryAddr}: ${pub.copied} stand-in images pushed, ${pub.upToDate} up to date`);
    record();
    const http = apiPort !== '0';
    const apiserver = await sup.start({ name: 'apiserver', argv: apiserverArgv({ stateDir, sock, pki, httpPort: http ? apiPort : undefined }) });
    progress.step(`apiserver ready (store ${path.join(stateDir, 'apiserver')}, gRPC ${sock}${http ? `, kubectl API https://127.0.0.1:${f['api-port']}` : ''})`);
    record();

    await ensureClusterDns(new ApiClient({ address: sock, caFile: `${pki}/ca.crt`, certFile: `${pki}/admin.crt`, keyFile: `${pki}/admin.key` }), t);
    progress.step(`kube-system/kube-dns Service ${t.clusterDnsServiceIP} -> ${t.dnsIP}:53`);

    for (const app of ['endpoints-controller', 'workload-controller']) {
      // A dead node's pods leave the Endpoints after 15 s without a heartbeat (Kubernetes: 40 s).
      const extra = app === 'workload-controller' ? ['--node-monitor-grace-period=15', '--node-monitor-period=2'] : [];
      await sup.start({ name: app, argv: [process.execPath, appMain(app), ...apiFlags(app), '--health-port=0', ...extra] });
      progress.step(`${app} ready`);
      record();
    }
    const inNetns = (ns: string) => ['nsenter', `--net=/run/netns/${ns}`, process.execPath];
    await sup.start({
      name: 'dns',
      argv: [...inNetns(t.lanNetns), appMain('dns'), ...apiFlags('dns'), `--listen=${t.dnsIP}:53`, '--health-port=0'],
    });
    progress.step(`dns ready on ${t.dnsIP}:53`);
    record();
    for (const n of t.nodes) {
      const rt = nodeRuntimePaths(stateDir, runDir, n);
      runtimes.set(n.name, await startNodeRuntime(n, rt, `http://${registryAddr}`));
      progress.step(`containerd ${n.name} ready (${rt.socket})`);
      record();
      await sup.start({
        name: `node-agent-${n.name}`,
        argv: [...inNetns(n.netns), appMain('node-agent'), ...apiFlags('node-agent'), ...nodeAgentFlags(n, rt, { t, stateDir, runDir })],
        readyTimeoutMs: 60000,
      });
      progress.step(`node-agent ${n.name} ready (${n.netns}, ${n.ip})`);
      record();
    }
    if (!fs.existsSync(appMain('cloud-lb'))) progress.step('cloud-lb not built: LoadBalancer Services stay <pending>');
    else await sup.start({
      name: 'cloud-lb',
      argv: [...inNetns(t.lanNetns), appMain('cloud-lb'), ...apiFlags('cloud-lb'), `--pool=${f['lb-pool']}`, `--interface=${t.lanBridge}`, '--health-port=0'],
    });
    if (fs.existsSync(appMain('cloud-lb'))) progress.step(`cloud-lb ready (pool ${f['lb-pool']} on ${t.lanBridge})`);
    const kubeconfig = http ? path.join(pki, 'admin.kubeconfig') : undefined;
    record(kubeconfig);
    const merged = kubeconfig ? mergeUserKubeconfig(f, kubeconfig) : undefined;
    printWelcome(t, progress.total(), kubeconfig, merged);
    if (process.env.SVCNET_DETACHED === '1') announceReady({ component: 'local-cluster' });
  } catch (e) {
    process.stdout.write(`!! ${(e as Error).message}\n`);
    await teardown('start failed');
  }
}

function assertBuilt(): void {
  for (const app of ['apiserver', 'endpoints-controller', 'workload-controller', 'node-agent', 'dns']) {
    if (!fs.existsSync(appMain(app))) throw new Error(`${appMain(app)} is missing: build first (npx tsc -b)`);
  }
}

/** mTLS between the apps and the apiserver: certificates made once and kept in the state dir */
function ensurePki(stateDir: string, apiPort: string): string {
  const pki = path.join(stateDir, 'pki');
  if (!fs.existsSync(path.join(pki, 'ca.crt'))) {
    execFileSync(process.execPath, [path.join(REPO, 'apps', 'apiserver', 'dist', 'certs-main.js'), '--dir', pki, '--hosts', '127.0.0.1,localhost', '--server', `https://127.0.0.1:${apiPort === '0' ? 6443 : apiPort}`, '--token', 'admin-token-user'], { stdio: 'ignore' });
  }
  return pki;
}

function apiserverArgv(o: { stateDir: string; sock: string; pki: string; httpPort?: string }): string[] {
  return [
    process.execPath,
    appMain('apiserver'),
    `--storage=file:${path.join(o.stateDir, 'apiserver')}`,
    `--grpc-listen=${o.sock}`,
    `--tls-cert-file=${o.pki}/apiserver.crt`,
    `--tls-private-key-file=${o.pki}/apiserver.key`,
    `--client-ca-file=${o.pki}/ca.crt`,
    `--token-auth-file=${o.pki}/tokens.csv`,
    '--health-port=0',
    ...(o.httpPort !== undefined ? [`--http-listen=127.0.0.1:${o.httpPort}`] : []),
  ];
}

function nodeAgentFlags(n: LocalTopology['nodes'][number], rt: ReturnType<typeof nodeRuntimePaths>, o: { t: LocalTopology; stateDir: string; runDir: string }): string[] {
  return [
    `--node-name=${n.name}`,
    `--node-ip=${n.ip}`,
    `--cluster-dns=${o.t.clusterDnsServiceIP}`,
    `--state-dir=${path.join(o.stateDir, 'nodes', n.name)}`,
    `--container-runtime-endpoint=unix://${rt.socket}`,
    `--runtime-state-dir=${rt.state}`,
    `--cni-bin-dir=${rt.cniBin}`,
    `--cni-conf-dir=${rt.cniConf}`,
    // pods of this cluster's nodes under /<prefix>/<node>: clusters with other prefixes never share cgroups
    `--cgroup-root=${nodeCgroupRoot(o.t.prefix, n)}`,
    `--kubelet-socket=${path.join(o.runDir, `kubelet-${n.name}.sock`)}`,
    '--health-port=0',
  ];
}

/** kube-dns as in Kubernetes: a Service with ClusterIP 10.96.0.10 whose endpoint is the DNS app. */
async function ensureClusterDns(client: ApiClient, t: LocalTopology): Promise<void> {
  const services = client.resource<Service>('services');
  const endpoints = client.resource<Endpoints>('endpoints');
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' };
  try {
    await services.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
      spec: {
        clusterIP: t.clusterDnsServiceIP,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
    });
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
  }
  const ep: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
    subsets: [{ addresses: [{ ip: t.dnsIP }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }],
  };
  try {
    await endpoints.create(ep);
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
    const cur = await endpoints.get('kube-system', 'kube-dns');
    await endpoints.update({ ...ep, metadata: { ...cur.metadata } });
  }
  client.close();
}

/** `up`: the svcnet context in the invoking user's kubeconfig (kind's behaviour: it becomes current). */
function mergeUserKubeconfig(f: Flags, adminKubeconfig: string): { target: KubeconfigTarget; previousContext: string } | undefined {
  try {
    const target = kubeconfigTarget(f.kubeconfig);
    if (!target) return undefined;
    const svcnet = svcnetKubeconfig(fs.readFileSync(adminKubeconfig, 'utf8'), `https://127.0.0.1:${f['api-port']}`);
    return { target, ...installKubeconfig(target, svcnet) };
  } catch (e) {
    // a kubeconfig we cannot read or write is no reason to stop a cluster that is up
    process.stdout.write(`!! could not merge the svcnet context into your kubeconfig: ${(e as Error).message}\n`);
    return undefined;
  }
}

/** `down` (and the end of `up`): the svcnet cluster, user and context out of that kubeconfig again. */
function removeUserKubeconfig(f: Flags, say: (m: string) => void): void {
  try {
    const target = kubeconfigTarget(f.kubeconfig);
    if (target && uninstallKubeconfig(target)) say(`removed the svcnet context from ${target.file}`);
  } catch (e) {
    say(`could not remove the svcnet context: ${(e as Error).message}`);
  }
}

/** `svcnet kubeconfig`: the admin kubeconfig, with cluster, user and context named svcnet. */
function printKubeconfig(f: Flags): void {
  const st = readState(f['run-dir']);
  const admin = st?.kubeconfig ?? path.join(f['state-dir'], 'pki', 'admin.kubeconfig');
  if (!fs.existsSync(admin)) throw new Error(`${admin} does not exist: start the cluster with "svcnet up"`);
  // the admin file names the port of the first `up`; an explicit --api-port overrides it
  const server = process.argv.some((a) => a.startsWith('--api-port')) ? `https://127.0.0.1:${f['api-port']}` : undefined;
  process.stdout.write(stringifyYaml(svcnetKubeconfig(fs.readFileSync(admin, 'utf8'), server)));
}

function printWelcome(t: LocalTopology, took: string, kubeconfig?: string, merged?: { target: KubeconfigTarget; previousContext: string }): void {
  const was = merged?.previousContext && merged.previousContext !== 'svcnet' ? ` (it was "${merged.previousContext}": kubectl config use-context ${merged.previousContext} to go back)` : '';
  const kubectlSetup = !kubeconfig
    ? ['  (kubectl API not built in this tree)']
    : merged
      ? [`  # context "svcnet" merged into ${merged.target.file} (${merged.target.user}) and made current, as kind does${was}`, '  kubectl config use-context svcnet   # only if you switched away']
      : [`  export KUBECONFIG=${kubeconfig}    # as root; or: sudo ./svcnet kubeconfig > ~/.kube/svcnet.yaml`];
  const lines = [
    '',
    `svcnet is up in ${took}: ${t.nodes.length} nodes (${t.nodes.map((n) => `${n.name} ${n.ip}`).join(', ')})`,
    '',
    ...kubectlSetup,
    '  kubectl get nodes -o wide',
    '  kubectl create deployment web --image=nginx --replicas=3 && kubectl expose deployment web --port 8080 --target-port 80',
    `  sudo ip netns exec ${t.clientNetns} curl http://<node IP>:<nodePort>/      # from outside the cluster`,
    `  sudo ip netns exec ${t.nodes[0].netns} curl http://<clusterIP>:8080/        # from a node`,
    '',
    'Ctrl-C (or "svcnet down" elsewhere) stops it and removes every namespace it made.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

/** Runs `up` in a background process and returns once it printed its ready line. */
async function detach(f: Flags): Promise<void> {
  const { spawn } = await import('node:child_process');
  fs.mkdirSync(f['run-dir'], { recursive: true });
  const logFile = path.join(f['run-dir'], 'svcnet-up.log');
  const out = fs.openSync(logFile, 'w');
  const args = process.argv.slice(2).filter((a) => a !== '--detach');
  const child = spawn(process.execPath, [__filename, ...args], { detached: true, stdio: ['ignore', 'pipe', out], env: { ...process.env, SVCNET_DETACHED: '1' } });
  let buf = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const s = d.toString();
      fs.appendFileSync(logFile, s);
      buf += s;
      for (const line of s.split('\n')) if (line && !line.startsWith('{')) process.stdout.write(line + '\n');
      if (findReadyLine(buf)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`svcnet up exited with ${code}; see ${logFile}`)));
  });
  child.stdout!.destroy();
  child.unref();
}

async function down(f: Flags): Promise<void> {
  const t = localTopology(Number(f.nodes), f.prefix);
  const st = readState(f['run-dir']);
  const progress = new Progress();
  if (st && alive(st.supervisorPid) && st.supervisorPid !== process.pid) {
    progress.step(`asking svcnet up (pid ${st.supervisorPid}) to stop`);
    process.kill(st.supervisorPid, 'SIGTERM');
    const deadline = Date.now() + 60000;
    while (alive(st.supervisorPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  }
  // Whatever is left (supervisor killed -9, or it timed out): stop our pids, remove our namespaces.
  const left = readState(f['run-dir']);
  for (const p of (left?.processes ?? []).filter((x) => !x.name.startsWith('containerd-'))) await stopPid(p.pid, 3000);
  for (const n of localTopology(left?.nodes ?? Number(f.nodes), left?.prefix ?? t.prefix).nodes) {
    const c = left?.processes.find((x) => x.name === `containerd-${n.name}`);
    await stopNodeRuntime(nodeRuntimePaths(f['state-dir'], f['run-dir'], n), c && alive(c.pid) ? { pid: c.pid } : undefined);
    removeNodeCgroups(nodeCgroupRoot(left?.prefix ?? t.prefix, n));
  }
  await destroyNetwork(localTopology(left?.nodes ?? Number(f.nodes), left?.prefix ?? t.prefix), (m) => progress.step(m));
  removeState(f['run-dir']);
  fs.rmSync(path.join(f['run-dir'], 'apiserver.sock'), { force: true });
  removeUserKubeconfig(f, (m) => progress.step(m));
  if (f.purge === 'true') {
    fs.rmSync(f['state-dir'], { recursive: true, force: true });
    progress.step(`removed ${f['state-dir']}`);
  }
  progress.step(`svcnet is down (${progress.total()})`);
}

async function imagesLoad(f: Flags, archives: string[]): Promise<void> {
  const st = readState(f['run-dir']);
  if (!st || !alive(st.supervisorPid)) throw new Error('svcnet is not running (start it with "svcnet up")');
  const nodes = localTopology(st.nodes, st.prefix).nodes;
  await loadImages(archives, nodes.map((n) => ({ node: n.name, socket: nodeRuntimePaths(f['state-dir'], f['run-dir'], n).socket })), (m) => process.stdout.write(`${m}\n`));
}

async function status(f: Flags): Promise<void> {
  const st = readState(f['run-dir']);
  if (!st || !alive(st.supervisorPid)) {
    process.stdout.write('svcnet is not running\n');
    process.exit(1);
  }
  process.stdout.write(`svcnet is running (pid ${st.supervisorPid}, since ${st.startedAt})\n`);
  for (const p of st.processes) process.stdout.write(`  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${alive(p.pid) ? 'running' : 'EXITED'}  ${p.logFile}\n`);
  if (st.kubeconfig) process.stdout.write(`  kubeconfig: context "svcnet" (kubectl config use-context svcnet), or ./svcnet kubeconfig; admin file ${st.kubeconfig}\n`);
}

main().catch((e) => {
  process.stderr.write(`svcnet: ${(e as Error).message}\n`);
  process.exit(1);
});
