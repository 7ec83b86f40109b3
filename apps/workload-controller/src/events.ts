// core/v1 Event objects as Kubernetes' event recorder writes them.
import { randomBytes } from 'node:crypto';
import type { Event, KubeObject } from '@svcnet/api-types';

export function buildEvent(
  involved: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component: string,
  now = new Date(),
): Event {
  const ts = now.toISOString();
  const ns = involved.metadata.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      namespace: involved.metadata.namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      resourceVersion: involved.metadata.resourceVersion,
    },
    reason,
    message,
    type,
    source: { component },
    reportingComponent: component,
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
  };
}
