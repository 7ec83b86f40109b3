// maxSurge / maxUnavailable as numbers, resolved the way Kubernetes does it.
import type { Deployment, IntOrString } from '@svcnet/api-types';

/** "25%" of total, rounded up or down; plain numbers pass through. */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean, dflt: IntOrString): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x.trim());
  if (!m) {
    const n = Number(x);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value "${x}"`);
  }
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

export interface RollingParams {
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * Surge rounds up, unavailable rounds down (defaults 25%). If both end up 0 the rollout
 * could never move, so Kubernetes allows one unavailable pod.
 */
export function rollingParams(d: Deployment): RollingParams {
  const replicas = d.spec.replicas ?? 1;
  if (d.spec.strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: replicas };
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge, replicas, true, '25%');
  let maxUnavailable = scaledValue(ru?.maxUnavailable, replicas, false, '25%');
  if (maxUnavailable > replicas) maxUnavailable = replicas;
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}
