// Names and labels this app writes, as Kubernetes spells them.
import { randomInt } from 'node:crypto';

/** Kubernetes' rand.SafeEncodeString alphabet (generateName suffixes). */
const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export const MANAGED_BY_SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
export const MANAGED_BY_MIRRORING = 'endpointslicemirroring-controller.k8s.io';
/** Set on Endpoints this controller owns, so the mirroring half leaves them alone. */
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
/** Most endpoints in one slice (Kubernetes' --max-endpoints-per-slice default). */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** generateName "<svc>-": prefix cut so the name fits 63 chars, 5 random safe chars. */
export function sliceName(serviceName: string): string {
  const prefix = `${serviceName}-`;
  const cut = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  let s = '';
  for (let i = 0; i < 5; i++) s += SAFE_ALPHANUMS[randomInt(SAFE_ALPHANUMS.length)];
  return cut + s;
}
