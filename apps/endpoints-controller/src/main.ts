// endpoints-controller: Services + Pods -> Endpoints and EndpointSlices; mirrors selectorless Endpoints.
import { API_CLIENT_FLAGS, clientFromFlags, createInformer } from '@svcnet/api-client';
import type { EndpointSlice, Endpoints, Node, Pod, Service } from '@svcnet/api-types';
import { Registry, createLogger, parseFlags, startHealthServer, announceReady, onShutdown, runMain } from '@svcnet/observability';
import { EndpointsController } from './controller';

const FLAGS = {
  ...API_CLIENT_FLAGS,
  'health-port': { default: '10258', help: 'port of /healthz /readyz /metrics (0 = any free port)' },
  'health-host': { default: '127.0.0.1', help: 'address of /healthz /readyz /metrics' },
};

async function main(): Promise<void> {
  const flags = parseFlags(FLAGS);
  const log = createLogger('endpoints-controller');
  const client = clientFromFlags(flags);
  const registry = new Registry();
  const onError = (resource: string) => (err: Error, phase: string) => log.warn('informer error', { resource, phase, err });
  const endpoints = client.resource<Endpoints>('endpoints');
  const endpointSlices = client.resource<EndpointSlice>('endpointslices');
  const controller = new EndpointsController({
    clients: { endpoints, endpointSlices },
    caches: {
      services: createInformer(client.resource<Service>('services'), { onError: onError('services') }),
      pods: createInformer(client.resource<Pod>('pods'), { onError: onError('pods') }),
      nodes: createInformer(client.resource<Node>('nodes'), { onError: onError('nodes') }),
      endpoints: createInformer(endpoints, { onError: onError('endpoints') }),
      endpointSlices: createInformer(endpointSlices, { onError: onError('endpointslices') }),
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
  log.info('caches synced, controller running');
  announceReady({ component: 'endpoints-controller', healthPort: health.port });

  onShutdown(log, async () => {
    controller.stop();
    await health.close();
    client.close();
  });
}

runMain('endpoints-controller', main);
