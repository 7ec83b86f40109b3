// Wiring of the endpoints controller: informer events -> one queue of Service keys -> syncService.
import { LABEL_SERVICE_NAME, isApiError, type EndpointSlice, type Node, type Pod, type Service } from '@svcnet/api-types';
import type { Logger, Registry } from '@svcnet/observability';
import { SLICES_BY_SERVICE, type EndpointsCaches, type EndpointsClients } from './api';
import { isNodeNotReady, serviceSelects } from './pod-endpoint-state';
import { StaleCacheError, syncService } from './service-sync';
import { WorkQueue } from '@svcnet/api-client';
import { WriteTracker } from './write-tracker';

export interface EndpointsControllerOptions {
  clients: EndpointsClients;
  caches: EndpointsCaches;
  log: Logger;
  registry: Registry;
  workers?: number;
}

const keyOf = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;

export class EndpointsController {
  readonly queue: WorkQueue;
  private readonly tracker = new WriteTracker();
  private readonly deletedServices = new Map<string, number>();
  private synced = false;

  constructor(private readonly o: EndpointsControllerOptions) {
    const { clients, caches, log, registry } = o;
    const syncs = registry.counter('endpoints_controller_syncs_total', 'Service syncs by result');
    const writes = registry.counter('endpoints_controller_writes_total', 'Writes to the apiserver by resource and verb');
    const duration = registry.histogram('endpoints_controller_sync_duration_seconds', 'Service sync duration');
    const depth = registry.gauge('endpoints_controller_queue_depth', 'Service keys waiting');
    const deps = {
      clients,
      caches,
      tracker: this.tracker,
      log,
      onWrite: (resource: string, verb: string) => writes.inc({ resource, verb }),
      serviceWasDeleted: (key: string) => this.deletedServices.has(key),
    };
    this.queue = new WorkQueue(
      async (key) => {
        depth.set(this.queue.length);
        const stop = duration.startTimer();
        try {
          await syncService(deps, key);
          syncs.inc({ result: 'ok' });
          if (!caches.services.get(...split(key))) this.deletedServices.delete(key);
        } catch (err) {
          syncs.inc({ result: err instanceof StaleCacheError ? 'stale' : 'error' });
          throw err;
        } finally {
          stop();
        }
      },
      {
        workers: o.workers ?? 4,
        paused: true,
        baseDelayMs: 20,
        onError: (key, err, attempt) => {
          if (err instanceof StaleCacheError || isApiError(err, 'Conflict')) log.debug('cache behind our writes, retrying', { service: key, attempt });
          else log.warn('sync failed, will retry', { service: key, attempt, err: err as Error });
        },
      },
    );
  }

  async start(): Promise<void> {
    const { caches } = this.o;
    caches.endpointSlices.addIndexer(SLICES_BY_SERVICE, (s: EndpointSlice) => {
      const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
      return svc ? [`${s.metadata.namespace}/${svc}`] : [];
    });
    caches.services.on({
      add: (s) => this.queue.add(keyOf(s)),
      update: (_o, s) => this.queue.add(keyOf(s)),
      delete: (s) => {
        this.deletedServices.set(keyOf(s), Date.now());
        this.queue.add(keyOf(s));
      },
    });
    caches.pods.on({
      add: (p) => this.onPod(p),
      update: (old, p) => this.onPod(p, old),
      delete: (p) => this.onPod(p),
    });
    caches.nodes.on({
      add: (n) => this.onNode(n),
      update: (old, n) => {
        if (isNodeNotReady(old) !== isNodeNotReady(n) || old.metadata.labels?.['topology.kubernetes.io/zone'] !== n.metadata.labels?.['topology.kubernetes.io/zone']) this.onNode(n);
      },
      delete: (n) => this.onNode(n),
    });
    // Our own outputs: repair drift (someone edited or deleted them) and mirror user Endpoints.
    caches.endpoints.on({
      add: (e) => this.queue.add(keyOf(e)),
      update: (_o, e) => this.queue.add(keyOf(e)),
      delete: (e) => this.queue.add(keyOf(e)),
    });
    const onSlice = (s: EndpointSlice) => {
      const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
      if (svc) this.queue.add(`${s.metadata.namespace}/${svc}`);
    };
    caches.endpointSlices.on({ add: onSlice, update: (_o, s) => onSlice(s), delete: onSlice });

    await Promise.all([caches.services.start(), caches.pods.start(), caches.nodes.start(), caches.endpoints.start(), caches.endpointSlices.start()]);
    this.synced = true;
    // Leftovers from Services deleted while we were down: slices name their Service.
    for (const s of caches.endpointSlices.list()) onSlice(s);
    this.queue.run();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  stop(): void {
    this.queue.stop();
    const c = this.o.caches;
    c.services.stop();
    c.pods.stop();
    c.nodes.stop();
    c.endpoints.stop();
    c.endpointSlices.stop();
  }

  private onPod(p: Pod, old?: Pod): void {
    for (const svc of this.o.caches.services.list(p.metadata.namespace)) {
      if (serviceSelects(svc, p) || (old && serviceSelects(svc, old))) this.queue.add(keyOf(svc));
    }
  }

  private onNode(n: Node): void {
    const name = n.metadata.name;
    const namespaces = new Set<string>();
    for (const p of this.o.caches.pods.list()) if (p.spec.nodeName === name) namespaces.add(String(p.metadata.namespace));
    for (const ns of namespaces) for (const svc of this.o.caches.services.list(ns)) this.queue.add(keyOf(svc as Service));
  }
}

function split(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
