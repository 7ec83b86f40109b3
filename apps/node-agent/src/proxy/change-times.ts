// ChangeTimes remembers when not-yet-programmed changes happened, for the network programming
// latency metric. For an EndpointSlice the controller's trigger time annotation (when the pod
// or service change that caused it happened) is used when present, else the time the informer
// delivered the event.
import type { KubeObject } from '@svcnet/api-types';

export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
const MAX_PENDING = 1000;

export class ChangeTimes {
  private pending: { at: number; received: number }[] = [];

  record(obj: KubeObject | undefined, now = Date.now()): void {
    const annotated = Date.parse(obj?.metadata.annotations?.[TRIGGER_TIME_ANNOTATION] ?? '');
    const t = Number.isFinite(annotated) && annotated <= now ? annotated : now;
    if (this.pending.length < MAX_PENDING) this.pending.push({ at: t, received: now });
  }

  // The changes a sync started at syncStart covered; later ones stay pending.
  take(syncStart: number): number[] {
    const done = this.pending.filter((c) => c.received <= syncStart).map((c) => c.at);
    this.pending = this.pending.filter((c) => c.received > syncStart);
    return done;
  }
}
