// Writes core/v1 Events without holding up the reconcile: failures are logged, not retried.
import type { Event, KubeObject } from '@svcnet/api-types';
import { buildEvent, type ResourceClient } from '@svcnet/api-client';
import type { Logger } from '@svcnet/observability';

export class EventRecorder {
  constructor(private readonly events: ResourceClient<Event>, private readonly component: string, private readonly log: Logger) {}

  normal(obj: KubeObject, reason: string, message: string): void {
    this.record(obj, 'Normal', reason, message);
  }

  warning(obj: KubeObject, reason: string, message: string): void {
    this.record(obj, 'Warning', reason, message);
  }

  private record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const ev = buildEvent(obj, type, reason, message, { component: this.component });
    this.log.info('event', { object: `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`, type, reason, message });
    this.events.create(ev).catch((err) => this.log.warn('event write failed', { reason, err }));
  }
}
