#!/usr/bin/env node
// svcnet mock cloud load balancer: flags -> informers -> controller + data path. See README.md.
import { API_CLIENT_FLAGS, clientFromFlags, createInformer } from '@svcnet/api-client';
import type { Event, Node, Service } from '@svcnet/api-types';
import { createLogger, parseFlags, startHealthServer, announceReady, onShutdown, runMain } from '@svcnet/observability';
import { IpAddressManager } from './addresses';
import { lbRoute } from './admin';
import { parseBalanceMode } from './backend-picker';
import { Controller } from './controller';
import { Dataplane, parseDataplaneMode } from './dataplane';
import { conntrackDelete, nftablesDeps } from './nft-deps';
import { NftExecutor } from '@svcnet/nftables';
import type { DataplaneHandle } from './dataplane-handle';
import { LbMetrics } from './metrics';
import { parsePool } from './pool';
import { RemoteDataplane } from './remote-dataplane';

export const FLAGS = {
  ...API_CLIENT_FLAGS,
  pool: { help: 'LB addresses: comma list of CIDRs (10.78.42.0/24) and ranges (10.78.42.10-10.78.42.250)' },
  interface: { default: 'lo', help: 'interface the LB addresses are added to (as /32)' },
  netns: { default: '', help: 'run the data path (addresses, listeners, health checks) in this network namespace' },
  dataplane: { default: 'nftables', help: 'nftables (kernel DNAT, client IP kept; the nodes must route replies via the LB) or userspace (TCP/UDP proxy)' },
  balance: { default: 'round-robin', help: 'node choice per connection: round-robin or least-connections' },
  'health-check-interval': { default: '2s', help: 'interval of node health checks (e.g. 2s, 500ms)' },
  'health-port': { default: '10258', help: 'port of /healthz /readyz /metrics /lb (0 = any free port)' },
  'health-host': { default: '127.0.0.1', help: 'address of the health server' },
};

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) throw new Error(`invalid duration "${s}" (e.g. 2s, 500ms)`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (ms < 50) throw new Error(`duration "${s}" is below 50ms`);
  return ms;
}

async function main(): Promise<void> {
  const f = parseFlags(FLAGS);
  const log = createLogger('cloud-lb');
  if (!f.pool) throw new Error('--pool is required');
  const pool = parsePool(f.pool);
  const balance = parseBalanceMode(f.balance);
  const mode = parseDataplaneMode(f.dataplane);
  const intervalMs = parseDuration(f['health-check-interval']);

  let controller: Controller | undefined;
  let dataplane: DataplaneHandle | undefined;
  const metrics = new LbMetrics(() => controller, () => dataplane);
  const health = await startHealthServer({
    host: f['health-host'],
    port: Number(f['health-port']),
    registry: metrics,
    notReadyReason: () => (controller ? controller.notReadyReason() : 'starting'),
    routes: { '/lb': lbRoute(() => controller, () => dataplane) },
  });

  if (f.netns) {
    dataplane = await RemoteDataplane.start({
      netns: f.netns,
      iface: f.interface,
      pool: f.pool,
      balance,
      mode,
      healthIntervalMs: intervalMs,
      log,
      onExit: (code) => {
        log.error('data path worker exited; exiting so a supervisor restarts us', { code });
        process.exit(1);
      },
    });
  } else {
    const dlog = log.child({ part: 'dataplane' });
    // In our own namespace we do not touch ip_forward (it may be the host's): only check it.
    dataplane = new Dataplane({ addresses: new IpAddressManager(f.interface, pool), balance, healthIntervalMs: intervalMs, log: dlog, mode, ...(mode === 'nftables' ? nftablesDeps({ setForwarding: false, log: dlog }) : { nft: new NftExecutor(), conntrackDelete }) });
  }

  const client = clientFromFlags(f);
  const onError = (resource: string) => (err: Error, phase: string) => log.warn('informer error', { resource, phase, err });
  const services = client.resource<Service>('services');
  const c = new Controller({
    services: createInformer(services, { onError: onError('services') }),
    nodes: createInformer(client.resource<Node>('nodes'), { onError: onError('nodes') }),
    serviceClient: services,
    eventClient: client.resource<Event>('events'),
    pool,
    dataplane,
    log,
  });
  controller = c;
  // The harness convention: one JSON line on stdout once serving, with the bound ports.
  announceReady({ component: 'cloud-lb', healthPort: health.port });
  log.info('cloud-lb starting', { pool: f.pool, poolSize: pool.size, interface: f.interface, netns: f.netns || undefined, dataplane: mode, balance, healthCheckIntervalMs: intervalMs, health: health.port });
  c.start().then(
    () => log.info('informers synced', { allocated: c.allocator.allocated }),
    (e) => log.error('start failed', { err: e as Error }),
  );

  process.on('uncaughtException', (err) => log.error('uncaught exception (continuing)', { err, stack: err.stack }));
  process.on('unhandledRejection', (err) => log.error('unhandled rejection (continuing)', { err: err as Error }));
  onShutdown(log, async () => {
    c.stop();
    await Promise.allSettled([dataplane!.close(), health.close()]);
    client.close();
  });
}

if (require.main === module) runMain('cloud-lb', main);
