// workload-controller: Deployments -> ReplicaSets -> Pods, and the scheduler.
import { API_CLIENT_FLAGS, clientFromFlags, createInformer } from '@svcnet/api-client';
import type { Deployment, Event, Node, Pod, ReplicaSet } from '@svcnet/api-types';
import { Registry, createLogger, parseFlags, startHealthServer, announceReady, onShutdown, runMain } from '@svcnet/observability';
import { WorkloadController } from './controller';
import { startNodeLifecycle } from './node-lifecycle-loop';

const FLAGS = {
  ...API_CLIENT_FLAGS,
  'health-port': { default: '10257', help: 'port of /healthz /readyz /metrics (0 = any free port)' },
  'health-host': { default: '127.0.0.1', help: 'address of /healthz /readyz /metrics' },
  'node-monitor-grace-period': { default: '40', help: 'seconds without a Node heartbeat before it is marked Ready=Unknown' },
  'node-monitor-period': { default: '5', help: 'seconds between Node heartbeat checks' },
};

async function main(): Promise<void> {
  const flags = parseFlags(FLAGS);
  const log = createLogger('workload-controller');
  const client = clientFromFlags(flags);
  const registry = new Registry();
  const onError = (resource: string) => (err: Error, phase: string) => log.warn('informer error', { resource, phase, err });
  const deployments = client.resource<Deployment>('deployments');
  const replicaSets = client.resource<ReplicaSet>('replicasets');
  const pods = client.resource<Pod>('pods');
  const nodes = client.resource<Node>('nodes');
  const nodeCache = createInformer(nodes, { onError: onError('nodes') });
  const controller = new WorkloadController({
    clients: { deployments, replicaSets, pods, events: client.resource<Event>('events') },
    caches: {
      deployments: createInformer(deployments, { onError: onError('deployments') }),
      replicaSets: createInformer(replicaSets, { onError: onError('replicasets') }),
      pods: createInformer(pods, { onError: onError('pods') }),
      nodes: nodeCache,
    },
    log,
    registry,
  });
  const health = await startHealthServer({
    host: flags['health-host'],
    port: Number(flags['health-port']),
    registry,
    notReadyReason: () => (controller.hasSynced() ? undefined : 'informer caches not synced'),
  });
  log.info('starting', { apiserver: flags.apiserver, healthPort: health.port });
  await controller.start();
  log.info('caches synced, controllers running');
  const stopLifecycle = startNodeLifecycle({
    nodes: nodeCache,
    client: nodes,
    events: client.resource<Event>('events'),
    graceMs: Number(flags['node-monitor-grace-period']) * 1000,
    periodMs: Number(flags['node-monitor-period']) * 1000,
    log,
  });
  announceReady({ component: 'workload-controller', healthPort: health.port });

  onShutdown(log, async () => {
    controller.stop();
    stopLifecycle();
    await health.close();
    client.close();
  });
}

runMain('workload-controller', main);
