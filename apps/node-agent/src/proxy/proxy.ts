// startProxy wires the proxy half: an EndpointSlice informer of its own, the agent's Service
// and Node informers (started by the agent), the nft executor for the current netns, health
// check servers and metrics.
import type { Informer, ResourceClient } from '@svcnet/api-client';
import { createInformer } from '@svcnet/api-client';
import type { EndpointSlice, Node, Service } from '@svcnet/api-types';
import { NftExecutor } from '@svcnet/nftables';
import type { Logger, Registry } from '@svcnet/observability';
import { runConntrack } from '@svcnet/netns';
import { HealthCheckServers } from './health-check-servers';
import { Proxier } from './proxier';
import { ProxyMetrics } from './proxy-metrics';
import { parseDurationMs } from './proxy-flags';

export interface ProxyOptions {
  nodeName: string;
  nodeIP: string;
  clusterCIDRs: string[];
  syncPeriod: string;
  minSyncPeriod: string;
  tableName: string;
  healthzBindAddress: string;
  endpointSlices: ResourceClient<EndpointSlice>;
  services: Informer<Service>;
  nodes: Informer<Node>;
  log: Logger;
  registry: Registry;
}

export interface Proxy {
  proxier: Proxier;
  // Starts the EndpointSlice informer; call run() once the Service and Node informers synced.
  prepare(): Promise<void>;
  run(): void;
  // Resolves after the first successful sync, or false after timeoutMs.
  firstSync(timeoutMs: number): Promise<boolean>;
  stop(): void;
}

export function createProxy(o: ProxyOptions): Proxy {
  const log = o.log.child({ half: 'proxy' });
  const slices = createInformer(o.endpointSlices, { onError: (err, phase) => log.warn('informer error', { resource: 'endpointslices', phase, err: err.message }) });
  const proxier = new Proxier({
    nft: new NftExecutor(),
    nodeName: o.nodeName,
    nodeIPs: [o.nodeIP],
    clusterCIDRs: o.clusterCIDRs,
    services: o.services,
    endpointSlices: slices,
    nodes: o.nodes,
    log,
    metrics: new ProxyMetrics(o.registry),
    healthChecks: new HealthCheckServers(log, o.healthzBindAddress),
    conntrack: runConntrack,
    minSyncPeriodMs: parseDurationMs(o.minSyncPeriod),
    syncPeriodMs: parseDurationMs(o.syncPeriod),
    tableName: o.tableName,
  });
  let synced: (() => void) | undefined;
  const first = new Promise<void>((resolve) => (synced = resolve));
  proxier.onSync(() => synced?.());
  return {
    proxier,
    prepare: () => slices.start(),
    run: () => proxier.start(),
    firstSync: (timeoutMs) =>
      Promise.race([first.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref())]),
    stop: () => {
      proxier.stop();
      slices.stop();
    },
  };
}
