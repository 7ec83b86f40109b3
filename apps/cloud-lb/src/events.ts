// core/v1 Events about Services, written without holding up a reconcile. The same reason and
// message for one Service is written once, not at every resync.
import type { Event, Service } from '@svcnet/api-types';
import { buildEvent, type ResourceClient } from '@svcnet/api-client';
import type { Logger } from '@svcnet/observability';
import { serviceKey } from './lb-spec';

export const COMPONENT = 'cloud-lb';

export class EventRecorder {
  private last = new Map<string, string>();
  constructor(private readonly events: ResourceClient<Event> | undefined, private readonly log: Logger) {}

  record(svc: Service, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const key = `${serviceKey(svc)}/${svc.metadata.uid}`;
    const sig = `${type}|${reason}|${message}`;
    if (this.last.get(key) === sig) return;
    this.last.set(key, sig);
    this.log.info('event', { service: serviceKey(svc), type, reason, message });
    this.events?.create(buildEvent({ ...svc, apiVersion: 'v1', kind: 'Service' }, type, reason, message, { component: COMPONENT })).catch((err) => this.log.warn('event write failed', { reason, err }));
  }

  /** the Service is gone or healthy again: the next problem gets a new Event */
  forget(svc: Service): void {
    this.last.delete(`${serviceKey(svc)}/${svc.metadata.uid}`);
  }
}
