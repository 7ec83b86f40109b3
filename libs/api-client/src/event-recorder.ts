// core/v1 Events as Kubernetes' event recorder writes them, with its aggregation: the same
// (object, reason, message) within 10 minutes bumps count and lastTimestamp instead of
// writing a new Event. Writes are fire-and-forget: an event is never worth failing a sync.
import { randomBytes } from 'node:crypto';
import type { Event, KubeObject } from '@svcnet/api-types';
import type { ResourceClient } from './contract';

const AGGREGATE_MS = 10 * 60 * 1000;

export interface EventSource {
  component: string;
  host?: string;
}

export function buildEvent(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string, now = new Date()): Event {
  const ts = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: involved.metadata.namespace ?? 'default' },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      namespace: involved.metadata.namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      resourceVersion: involved.metadata.resourceVersion,
      ...(fieldPath ? { fieldPath } : {}),
    },
    reason,
    message,
    type,
    source: source.host ? { component: source.component, host: source.host } : { component: source.component },
    reportingComponent: source.component,
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
  };
}

export class EventRecorder {
  private readonly recent = new Map<string, { event: Event; at: number }>();

  constructor(
    private readonly events: ResourceClient<Event> | undefined,
    private readonly source: EventSource,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  normal(obj: KubeObject, reason: string, message: string, fieldPath?: string): void {
    this.record(obj, 'Normal', reason, message, fieldPath);
  }

  warning(obj: KubeObject, reason: string, message: string, fieldPath?: string): void {
    this.record(obj, 'Warning', reason, message, fieldPath);
  }

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    if (!this.events) return;
    const key = `${obj.metadata.uid}\u0000${fieldPath ?? ''}\u0000${type}\u0000${reason}\u0000${message}`;
    const now = Date.now();
    const prev = this.recent.get(key);
    if (prev && now - prev.at < AGGREGATE_MS) {
      prev.at = now;
      prev.event.count = (prev.event.count ?? 1) + 1;
      prev.event.lastTimestamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const { name, namespace } = prev.event.metadata;
      this.events.patch(namespace, name!, { count: prev.event.count, lastTimestamp: prev.event.lastTimestamp }, 'merge').catch(this.onError);
      return;
    }
    const ev = buildEvent(obj, type, reason, message, this.source, fieldPath);
    this.recent.set(key, { event: ev, at: now });
    if (this.recent.size > 4096) for (const [k, v] of this.recent) if (now - v.at > AGGREGATE_MS) this.recent.delete(k);
    this.events.create(ev).catch(this.onError);
  }
}
