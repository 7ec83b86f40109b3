// svcnet node-agent: registers the Node, runs the pods bound to it as containers through CRI
// (containerd; pod networking by the svcnet-bridge CNI plugin), routes to other nodes' pod
// CIDRs, serves logs/exec/attach (kubelet half, src/kubelet/), and programs Services into
// nftables (proxy half, src/proxy/).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { API_CLIENT_FLAGS, clientFromFlags, createInformer } from '@svcnet/api-client';
import type { ConfigMap, EndpointSlice, Event, Namespace, NetworkPolicy, Node, Pod, Secret, Service } from '@svcnet/api-types';
import { Registry, createLogger, parseFlags, startHealthServer, announceReady, onShutdown, runMain } from '@svcnet/observability';
import { hostMountNamespacePid, reexecInMountNamespaceOf } from './host-mount-ns';
import { hostFacts } from './node-object';
import { NodeRegistration } from './node-registration';
import { NodeRoutes } from './node-routes';
import { setUpPodNetwork } from './pod-network';
import { startKubeletServer } from './kubelet-server';
import { EventRecorder } from '@svcnet/api-client';
import { CriClient } from '@svcnet/cri-client';
import { parseNameservers, parseSearches } from './kubelet/dns-files';
import { Kubelet } from './kubelet/kubelet';
import { PodController } from './kubelet/pod-controller';
import { serviceEnv } from './kubelet/service-env';
import { createProxy, type Proxy } from './proxy/proxy';
import { PROXY_FLAGS } from './proxy/proxy-flags';
import { createNetworkPolicy, type NetworkPolicyHalf } from './netpol/netpol';
import { NETPOL_FLAGS } from './netpol/netpol-flags';

const FLAGS = {
  ...API_CLIENT_FLAGS,
  'node-name': { default: os.hostname(), help: 'name of this node' },
  'node-ip': { default: '', help: 'InternalIP of this node (default: the first non-loopback IPv4 address of the current netns)' },
  'cluster-dns': { default: '10.96.0.10', help: 'cluster DNS service IP(s), comma separated, written into pods resolv.conf' },
  'cluster-domain': { default: 'cluster.local', help: 'cluster DNS domain' },
  'state-dir': { default: '', help: 'pod volumes, hosts files, container logs, CNI IPAM; default /var/lib/svcnet/node-agent/<node-name>' },
  'container-runtime-endpoint': { default: 'unix:///run/containerd/containerd.sock', help: 'CRI endpoint of the container runtime (containerd)' },
  'runtime-state-dir': { default: '/run/containerd', help: "containerd's state directory (containers' stdin FIFOs for attach)" },
  'cni-bin-dir': { default: '', help: 'CNI plugin directory containerd is configured with; the agent installs svcnet-bridge and loopback there (default <state-dir>/cni/bin)' },
  'cni-conf-dir': { default: '', help: 'CNI config directory containerd is configured with; the agent writes 10-svcnet.conflist there (default <state-dir>/cni/net.d)' },
  'cgroup-root': { default: '', help: 'cgroup parent of every pod of this node (cgroupfs driver; default /svcnet/<node-name>)' },
  'bridge-name': { default: 'svcnet0', help: 'bridge the pods are attached to (by the svcnet-bridge CNI plugin)' },
  'pod-cidr': { default: '', help: 'use this pod CIDR instead of waiting for the apiserver to assign spec.podCIDR' },
  'health-port': { default: '10248', help: 'port of /healthz /readyz /metrics (0 = any free port)' },
  'health-host': { default: '127.0.0.1', help: 'address of /healthz /readyz /metrics' },
  'kubelet-port': { default: '10250', help: 'port of the /containerLogs endpoint (0 = any free port)' },
  'kubelet-host': { default: '0.0.0.0', help: 'address of the /containerLogs endpoint' },
  'kubelet-socket': { default: '', help: 'also serve logs/exec on this unix socket and advertise it on the Node (annotation svcnet.io/kubelet-endpoint), for an apiserver that cannot route to the node IP (local mode)' },
  'heartbeat-interval': { default: '5', help: 'seconds between Node status heartbeats' },
  ...PROXY_FLAGS,
  ...NETPOL_FLAGS,
};

function firstIPv4(): string {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('no IPv4 address found; pass --node-ip');
}

async function main(): Promise<void> {
  const peer = hostMountNamespacePid();
  if (peer !== undefined) {
    reexecInMountNamespaceOf(peer);
    return;
  }
  const flags = parseFlags(FLAGS);
  const nodeName = flags['node-name'];
  const log = createLogger('node-agent', { node: nodeName });
  const nodeIP = flags['node-ip'] || firstIPv4();
  const registry = new Registry();
  const client = clientFromFlags(flags);
  const nodes = client.resource<Node>('nodes');
  const pods = client.resource<Pod>('pods');
  const services = client.resource<Service>('services');

  let controller: PodController | undefined;
  let proxy: Proxy | undefined;
  const proxyEnabled = flags.proxy !== 'false';
  const health = await startHealthServer({
    host: flags['health-host'],
    port: Number(flags['health-port']),
    registry,
    notReadyReason: () =>
      !controller?.hasSynced() ? 'pods not synced yet' : proxyEnabled && !proxy?.proxier.hasSynced() ? 'proxy rules not synced yet' : undefined,
  });

  // --pod-cidr is asked for at registration, so other nodes route the CIDR the pods really use
  const registration = new NodeRegistration(nodes, { ...hostFacts(nodeName, nodeIP), podCIDR: flags['pod-cidr'] || undefined }, log);
  const registered = await registration.register();
  if (flags['pod-cidr'] && registered.spec?.podCIDR && registered.spec.podCIDR !== flags['pod-cidr']) {
    throw new Error(`--pod-cidr ${flags['pod-cidr']} differs from the Node's spec.podCIDR ${registered.spec.podCIDR} (assigned before); delete the Node or drop the flag`);
  }
  const podCIDR = flags['pod-cidr'] || (await registration.waitForPodCIDR());
  registration.startHeartbeat(Number(flags['heartbeat-interval']) * 1000);
  log.info('node registered', { nodeIP, podCIDR });

  const serviceInformer = createInformer(services, { onError: (err, phase) => log.warn('informer error', { resource: 'services', phase, err }) });
  const podInformer = createInformer(pods, { fieldSelector: `spec.nodeName=${nodeName}`, onError: (err, phase) => log.warn('informer error', { resource: 'pods', phase, err }) });
  const nodeInformer = createInformer(nodes, { onError: (err, phase) => log.warn('informer error', { resource: 'nodes', phase, err }) });

  let hostResolv = '';
  try {
    hostResolv = fs.readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    /* none */
  }
  const stateDir = flags['state-dir'] || path.join('/var/lib/svcnet/node-agent', nodeName);
  // pod networking: containerd calls the svcnet-bridge CNI plugin for every sandbox
  const cni = await setUpPodNetwork({
    stateDir,
    podCIDR,
    bridge: flags['bridge-name'],
    binDir: flags['cni-bin-dir'] || undefined,
    confDir: flags['cni-conf-dir'] || undefined,
  });
  const cri = new CriClient({ endpoint: flags['container-runtime-endpoint'] });
  const runtimeVersion = await cri.version();
  registration.setRuntime(`${runtimeVersion.runtimeName}://${runtimeVersion.runtimeVersion}`, async () =>
    (await cri.listImages()).map((i) => ({ names: [...(i.repoTags ?? []), ...(i.repoDigests ?? [])], sizeBytes: Number(i.size ?? 0) })),
  );
  const configMapInformer = createInformer(client.resource<ConfigMap>('configmaps'), { onError: (err, phase) => log.warn('informer error', { resource: 'configmaps', phase, err }) });
  const secretInformer = createInformer(client.resource<Secret>('secrets'), { onError: (err, phase) => log.warn('informer error', { resource: 'secrets', phase, err }) });
  await Promise.all([configMapInformer.start(), secretInformer.start()]);
  const events = new EventRecorder(client.resource<Event>('events'), { component: 'kubelet', host: nodeName }, (err) => log.debug('event write failed', { err: (err as Error).message }));
  const runtime = new Kubelet({
    nodeName,
    nodeIP,
    stateDir,
    cri,
    events,
    cgroupRoot: flags['cgroup-root'] || undefined,
    dns: { clusterDNS: flags['cluster-dns'].split(',').filter(Boolean), clusterDomain: flags['cluster-domain'], hostNameservers: parseNameservers(hostResolv), hostSearches: parseSearches(hostResolv) },
    log,
    sources: {
      configMap: (ns, name) => configMapInformer.get(ns, name),
      secret: (ns, name) => secretInformer.get(ns, name),
      nodeAllocatable: { cpu: os.cpus().length, memory: os.totalmem() },
    },
    pullSecrets: (ns, names) => names.map((n) => secretInformer.get(ns, n)).filter((s): s is Secret => !!s),
    serviceEnv: (ns, links) => serviceEnv(serviceInformer.list(), ns, links),
    onChange: (uid) => controller?.onRuntimeChange(uid),
  });
  await runtime.init();

  const routes = new NodeRoutes(nodeName, log);
  const syncRoutes = () => void routes.sync(nodeInformer.list());
  nodeInformer.on({ add: syncRoutes, update: syncRoutes, delete: syncRoutes });
  await nodeInformer.start();
  syncRoutes();

  controller = new PodController({ nodeName, pods, podInformer, serviceInformer, runtime, log, registry });
  if (proxyEnabled) {
    proxy = createProxy({
      nodeName,
      nodeIP,
      clusterCIDRs: flags['cluster-cidr'].split(',').map((c) => c.trim()).filter(Boolean),
      syncPeriod: flags['proxy-sync-period'],
      minSyncPeriod: flags['proxy-min-sync-period'],
      tableName: flags['proxy-table'],
      healthzBindAddress: flags['healthz-bind-address'],
      endpointSlices: client.resource<EndpointSlice>('endpointslices'),
      services: serviceInformer,
      nodes: nodeInformer,
      log,
      registry,
    });
    await proxy.prepare();
  }

  const { server: logsServer, port: kubeletPort } = await startKubeletServer({
    runtime,
    findPod: (ns, name) => controller!.findPod(ns, name),
    runtimeStateDir: flags['runtime-state-dir'],
    port: Number(flags['kubelet-port']),
    host: flags['kubelet-host'],
    log,
  });
  if (flags['kubelet-socket']) await serveKubeletOnSocket(logsServer, flags['kubelet-socket'], client, nodeName);

  // starts the Service informer the proxy shares
  await controller.start();
  let proxySynced = false;
  if (proxy) {
    // Only now are the caches complete: a sync from a partial cache would delete live rules.
    proxy.run();
    proxySynced = await proxy.firstSync(60_000);
  }
  // NetworkPolicy half (src/netpol/): its own cluster-wide informers and nft table.
  let netpol: NetworkPolicyHalf | undefined;
  let networkPolicySynced = false;
  if (flags['network-policy'] !== 'false') {
    netpol = createNetworkPolicy({
      nodeName,
      table: flags['network-policy-table'],
      syncPeriod: flags['network-policy-sync-period'],
      minSyncPeriod: flags['network-policy-min-sync-period'],
      pods,
      namespaces: client.resource<Namespace>('namespaces'),
      policies: client.resource<NetworkPolicy>('networkpolicies'),
      log,
      registry,
    });
    networkPolicySynced = await netpol.start(60_000);
  }
  log.info('node-agent ready', { healthPort: health.port, kubeletPort, proxy: proxyEnabled, proxySynced });
  announceReady({ component: 'node-agent', node: nodeName, podCIDR, healthPort: health.port, kubeletPort, proxy: proxyEnabled, proxySynced, networkPolicySynced });

  // pods keep running and the proxy rules stay in the kernel: the next agent adopts both
  onShutdown(log, async () => {
    registration.stop();
    proxy?.stop();
    netpol?.stop();
    controller?.stop();
    nodeInformer.stop();
    runtime.shutdown();
    configMapInformer.stop();
    secretInformer.stop();
    cri.close();
    // CNI calls from now on run the plugin executable itself
    cni.close();
    logsServer.close();
    await health.close();
    client.close();
  });
}

runMain('node-agent', main);

/**
 * Serves the kubelet endpoints on a unix socket as well and advertises it on the Node: in
 * local mode the apiserver runs outside the node's network namespace and cannot route to
 * the node IP, but it shares the filesystem.
 */
async function serveKubeletOnSocket(tcpServer: http.Server, socketPath: string, client: ReturnType<typeof clientFromFlags>, nodeName: string): Promise<void> {
  const fs = await import('node:fs');
  fs.rmSync(socketPath, { force: true });
  const unixServer = http.createServer((req, res) => tcpServer.emit('request', req, res));
  unixServer.on('upgrade', (req, socket, head) => tcpServer.emit('upgrade', req, socket, head));
  await new Promise<void>((resolve, reject) => {
    unixServer.once('error', reject);
    unixServer.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);
  await client.resource('nodes').patch(undefined, nodeName, { metadata: { annotations: { 'svcnet.io/kubelet-endpoint': `unix:${socketPath}` } } }, 'merge');
}
