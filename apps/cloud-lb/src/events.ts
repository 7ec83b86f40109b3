// core/v1 Events about Services, written without holding up a reconcile. The same reason and
// message for one Service is written once, not at every resync.
import { randomBytes } from 'node:crypto';
import type { Event, Service } from '@svcnet/api-types';
import type { ResourceClient } from '@svcnet/api-client';
import type { Logger } from '@svcnet/observability';
import { serviceKey } from './lb-spec';

export const COMPONENT = 'cloud-lb';

export function buildEvent(svc: Service, type: 'Normal' | 'Warning', reason: string, message: string, now = new Date()): Event {
  const ts = now.toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${svc.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: svc.metadata.namespace ?? 'default' },
    involvedObject: { apiVersion: 'v1', kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name, uid: svc.metadata.uid, resourceVersion: svc.metadata.resourceVersion },
    reason,
    message,
    type,
    source: { component: COMPONENT },
    reportingComponent: COMPONENT,
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
  };
}

export class EventRecorder {
  private last = new Map<string, string>();
  constructor(private readonly events: ResourceClient<Event> | undefined, private readonly log: Logger) {}

  record(svc: Service, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const key = `${serviceKey(svc)}/${svc.metadata.uid}`;
    const sig = `${type}|${reason}|${message}`;
    if (this.last.get(key) === sig) return;
    this.last.set(key, sig);
    this.log.info('event', { service: serviceKey(svc), type, reason, message });
    this.events?.create(buildEvent(svc, type, reason, message)).catch((err) => this.log.warn('event write failed', { reason, err }));
  }

  /** the Service is gone or healthy again: the next problem gets a new Event */
  forget(svc: Service): void {
    this.last.delete(`${serviceKey(svc)}/${svc.metadata.uid}`);
  }
}
