// svcnet node-agent: registers the Node, runs the pods bound to it in network namespaces on
// the node bridge, routes to other nodes' pod CIDRs, serves container logs (pod half), and
// programs Services into nftables (proxy half, src/proxy/).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { API_CLIENT_FLAGS, clientFromFlags, createInformer } from '@svcnet/api-client';
import type { EndpointSlice, Node, Pod, Service } from '@svcnet/api-types';
import { Registry, createLogger, parseFlags, startHealthServer, announceReady, onShutdown, runMain } from '@svcnet/observability';
import { hostMountNamespacePid, reexecInMountNamespaceOf } from './host-mount-ns';
import { hostFacts } from './node-object';
import { NodeRegistration } from './node-registration';
import { NodeRoutes } from './node-routes';
import { handleContainerLogs } from './pods/container-logs';
import { attachExecServer } from './pods/exec-server';
import { parseNameservers } from './pods/dns-files';
import { defaultNetnsPrefix } from './pods/pod-names';
import { PodController } from './pods/pod-controller';
import { PodRuntime } from './pods/pod-runtime';
import { serviceEnv } from './pods/service-env';
import { createProxy, type Proxy } from './proxy/proxy';
import { PROXY_FLAGS } from './proxy/proxy-flags';

const FLAGS = {
  ...API_CLIENT_FLAGS,
  'node-name': { default: os.hostname(), help: 'name of this node' },
  'node-ip': { default: '', help: 'InternalIP of this node (default: the first non-loopback IPv4 address of the current netns)' },
  'cluster-dns': { default: '10.96.0.10', help: 'cluster DNS service IP(s), comma separated, written into pods resolv.conf' },
  'cluster-domain': { default: 'cluster.local', help: 'cluster DNS domain' },
  'state-dir': { default: '', help: 'pod state (records, logs, resolv.conf); default /var/lib/svcnet/node-agent/<node-name>' },
  'bridge-name': { default: 'svcnet0', help: 'bridge the pods are attached to' },
  'netns-prefix': { default: '', help: 'prefix of pod netns names (default svcnet-<node-name>-)' },
  'pod-cidr': { default: '', help: 'use this pod CIDR instead of waiting for the apiserver to assign spec.podCIDR' },
  'health-port': { default: '10248', help: 'port of /healthz /readyz /metrics (0 = any free port)' },
  'health-host': { default: '127.0.0.1', help: 'address of /healthz /readyz /metrics' },
  'kubelet-port': { default: '10250', help: 'port of the /containerLogs endpoint (0 = any free port)' },
  'kubelet-host': { default: '0.0.0.0', help: 'address of the /containerLogs endpoint' },
  'kubelet-socket': { default: '', help: 'also serve logs/exec on this unix socket and advertise it on the Node (annotation svcnet.io/kubelet-endpoint), for an apiserver that cannot route to the node IP (local mode)' },
  'heartbeat-interval': { default: '5', help: 'seconds between Node status heartbeats' },
  ...PROXY_FLAGS,
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

  const registration = new NodeRegistration(nodes, hostFacts(nodeName, nodeIP), log);
  await registration.register();
  const podCIDR = flags['pod-cidr'] || (await registration.waitForPodCIDR());
  registration.startHeartbeat(Number(flags['heartbeat-interval']) * 1000);
  log.info('node registered', { nodeIP, podCIDR });

  const serviceInformer = createInformer(services, { onError: (err, phase) => log.warn('informer error', { resource: 'services', phase, err }) });
  const podInformer = createInformer(pods, { fieldSelector: `spec.nodeName=${nodeName}`, onError: (err, phase) => log.warn('informer error', { resource: 'pods', phase, err }) });
  const nodeInformer = createInformer(nodes, { onError: (err, phase) => log.warn('informer error', { resource: 'nodes', phase, err }) });

  let hostNameservers: string[] = [];
  try {
    hostNameservers = parseNameservers(fs.readFileSync('/etc/resolv.conf', 'utf8'));
  } catch {
    /* none */
  }
  const runtime = new PodRuntime({
    nodeName,
    nodeIP,
    podCIDR,
    stateDir: flags['state-dir'] || path.join('/var/lib/svcnet/node-agent', nodeName),
    bridgeName: flags['bridge-name'],
    netnsPrefix: flags['netns-prefix'] || defaultNetnsPrefix(nodeName),
    dns: { clusterDNS: flags['cluster-dns'].split(',').filter(Boolean), clusterDomain: flags['cluster-domain'], hostNameservers },
    log,
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

  const logsServer = http.createServer((req, res) =>
    handleContainerLogs(req, res, {
      logFile: (ns, name, container) => {
        const pod = controller!.findPod(ns, name);
        if (!pod) return { error: `pods "${name}" not found` };
        const names = pod.spec.containers.map((c) => c.name);
        const c = container ?? (names.length === 1 ? names[0] : undefined);
        if (!c) return { error: `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]` };
        if (!names.includes(c)) return { error: `container ${c} is not valid for pod ${name}` };
        return { path: runtime.logPath(pod.metadata.uid!, c) };
      },
    }),
  );
  // exec/attach (WebSocket, v5.channel.k8s.io) for kubectl, proxied by the apiserver
  attachExecServer(logsServer, {
    target: (ns, name, container) => {
      const pod = controller!.findPod(ns, name);
      if (!pod) return { error: `pods "${name}" not found` };
      const c = container ?? (pod.spec.containers.length === 1 ? pod.spec.containers[0].name : undefined);
      const pid = c ? runtime.containerPid(pod.metadata.uid!, c) : undefined;
      if (!c || !pid) return { error: `container not found ("${c ?? ''}")` };
      const spec = pod.spec.containers.find((x) => x.name === c);
      return { pid, logPath: runtime.logPath(pod.metadata.uid!, c), stdinPath: runtime.stdinPath(pod.metadata.uid!, c), fromStart: !!spec?.stdinOnce };
    },
  }, log);
  const kubeletPort = await new Promise<number>((resolve, reject) => {
    logsServer.once('error', reject);
    logsServer.listen(Number(flags['kubelet-port']), flags['kubelet-host'], () => resolve((logsServer.address() as { port: number }).port));
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
  log.info('node-agent ready', { healthPort: health.port, kubeletPort, proxy: proxyEnabled, proxySynced });
  announceReady({ component: 'node-agent', node: nodeName, podCIDR, healthPort: health.port, kubeletPort, proxy: proxyEnabled, proxySynced });

  // pods keep running and the proxy rules stay in the kernel: the next agent adopts both
  onShutdown(log, async () => {
    registration.stop();
    proxy?.stop();
    controller?.stop();
    nodeInformer.stop();
    runtime.shutdown();
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
