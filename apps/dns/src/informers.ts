// The cluster data source: informers on services, endpointslices, pods and namespaces
// feeding one ClusterIndex. Coded against the api-client contract only.
import type { Informer } from '@svcnet/api-client';
import type { EndpointSlice, KubeObject, Namespace, Pod, Service } from '@svcnet/api-types';
import { ClusterIndex } from '@svcnet/dns-records';
import type { Logger } from '@svcnet/observability';

export interface ClusterInformers {
  services: Informer<Service>;
  endpointSlices: Informer<EndpointSlice>;
  pods: Informer<Pod>;
  /** optional: without it a namespace "exists" while it has services or pods */
  namespaces?: Informer<Namespace>;
}

function wire<T extends KubeObject>(inf: Informer<T>, upsert: (o: T) => void, remove: (o: T) => void): void {
  inf.on({ add: upsert, update: (_old, obj) => upsert(obj), delete: remove });
}

export class InformerSource {
  readonly index = new ClusterIndex();

  constructor(private readonly informers: ClusterInformers, private readonly log?: Logger) {
    const i = this.index;
    wire(informers.services, (o) => i.upsertService(o), (o) => i.deleteService(o));
    wire(informers.endpointSlices, (o) => i.upsertEndpointSlice(o), (o) => i.deleteEndpointSlice(o));
    // Pods only matter for "<a-b-c-d>.<ns>.pod" records; a pod without an IP is skipped.
    wire(informers.pods, (o) => i.upsertPod(o), (o) => i.deletePod(o));
    if (informers.namespaces) wire(informers.namespaces, (o) => i.upsertNamespace(o), (o) => i.deleteNamespace(o));
  }

  private all(): Informer<KubeObject>[] {
    const { services, endpointSlices, pods, namespaces } = this.informers;
    return [services, endpointSlices, pods, ...(namespaces ? [namespaces] : [])] as unknown as Informer<KubeObject>[];
  }

  async start(): Promise<void> {
    await Promise.all(this.all().map((inf) => inf.start()));
    this.log?.info('informers synced', this.index.stats());
  }

  /** undefined when ready, else why not (for /readyz) */
  notReadyReason(): string | undefined {
    const waiting = this.all().filter((inf) => !inf.hasSynced()).map((inf) => inf.resource);
    return waiting.length ? `waiting for informers: ${waiting.join(', ')}` : undefined;
  }

  stop(): void {
    for (const inf of this.all()) inf.stop();
  }
}
