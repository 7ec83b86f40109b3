// svcnet apiserver: stores objects, validates, allocates ClusterIPs/NodePorts/pod CIDRs and
// serves them over gRPC (ResourceApi) and, for kubectl, a Kubernetes-compatible HTTP API.
import * as grpc from '@grpc/grpc-js';
import { openStore } from '@svcnet/store';
import { resourceApiService } from '@svcnet/api-proto';
import { createLogger, parseFlags, startHealthServer, announceReady, onShutdown, runMain } from '@svcnet/observability';
import { ApiCore } from './registry/api-core';
import { resourceApiHandlers } from './grpc/resource-api-server';
import { serverCredentials } from './grpc/credentials';
import { ApiMetrics } from './api-metrics';
import { startHttpApi } from './http/http-api-entry';

const FLAGS = {
  storage: { default: 'file:/var/lib/svcnet/apiserver', help: 'file:<dir> (embedded store) or etcd:http://host:port[,...]' },
  'grpc-listen': { default: '127.0.0.1:6444', help: 'address of the gRPC ResourceApi' },
  'http-listen': { default: '', help: 'address of the Kubernetes HTTP/JSON API for kubectl (e.g. 127.0.0.1:6443); empty disables it' },
  'health-port': { default: '0', help: 'port of /healthz, /readyz and /metrics on 127.0.0.1 (0: any free port)' },
  'health-host': { default: '127.0.0.1', help: 'address of the health server' },
  'service-cluster-ip-range': { default: '10.96.0.0/12', help: 'CIDR ClusterIPs are allocated from' },
  'service-node-port-range': { default: '30000-32767', help: 'range NodePorts are allocated from' },
  'cluster-cidr': { default: '10.244.0.0/16', help: 'CIDR pod CIDRs are carved from' },
  'node-cidr-mask-size': { default: '24', help: 'prefix length of each node pod CIDR' },
  insecure: { boolean: true, default: 'false', help: 'serve gRPC without TLS (loopback/tests only)' },
  'tls-cert-file': { help: 'server certificate (PEM)' },
  'tls-private-key-file': { help: 'server key (PEM)' },
  'client-ca-file': { help: 'CA that signs client certificates (PEM)' },
  'token-auth-file': { help: 'CSV of token,user,uid for bearer tokens on the HTTP API' },
  'bookmark-interval': { default: '30', help: 'seconds between watch bookmarks' },
  'watch-history': { default: '20000', help: 'events kept for watches to resume from (embedded store); older versions get 410 Gone' },
};

async function main(): Promise<void> {
  const f = parseFlags(FLAGS);
  const log = createLogger('apiserver');
  const metrics = new ApiMetrics();
  const store = await openStore(f.storage, { file: { historySize: Number(f['watch-history']) } });
  const [pmin, pmax] = f['service-node-port-range'].split('-').map(Number);
  const core = new ApiCore({
    store,
    serviceCidr: f['service-cluster-ip-range'],
    nodePortRange: [pmin, pmax],
    clusterCidr: f['cluster-cidr'],
    nodeCidrMaskSize: Number(f['node-cidr-mask-size']),
    log,
    bookmarkIntervalMs: Number(f['bookmark-interval']) * 1000,
  });
  await core.start();

  const server = new grpc.Server({ 'grpc.keepalive_time_ms': 30_000, 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.max_send_message_length': 256 * 1024 * 1024 });
  server.addService(resourceApiService(), resourceApiHandlers(core, metrics));
  const creds = serverCredentials({ insecure: f.insecure === 'true', certFile: f['tls-cert-file'], keyFile: f['tls-private-key-file'], clientCaFile: f['client-ca-file'] });
  const grpcPort = await new Promise<number>((resolve, reject) => server.bindAsync(f['grpc-listen'], creds, (err, port) => (err ? reject(err) : resolve(port))));
  log.info('grpc listening', { address: f['grpc-listen'], port: grpcPort, tls: f.insecure !== 'true' });

  let httpPort: number | undefined;
  if (f['http-listen']) {
    httpPort = await startHttpApi(core, metrics, log, {
      listen: f['http-listen'],
      certFile: f['tls-cert-file'],
      keyFile: f['tls-private-key-file'],
      clientCaFile: f['client-ca-file'],
      tokenFile: f['token-auth-file'],
      insecure: f.insecure === 'true',
    });
  }

  const revisionTimer = setInterval(() => void store.currentRevision().then((r) => metrics.revision.set(r)), 5000);
  revisionTimer.unref();
  const health = await startHealthServer({ host: f['health-host'], port: Number(f['health-port']), registry: metrics.registry });
  log.info('apiserver ready', { grpcPort, httpPort, healthPort: health.port, storage: f.storage });
  // One machine-readable line on stdout so scripts and tests can find the ports.
  announceReady({ grpcPort, httpPort, healthPort: health.port });

  onShutdown(log, async () => {
    server.forceShutdown();
    await health.close();
    await store.close();
  });
}

runMain('apiserver', main);
