// The pod's QoS class (k8s.io/kubernetes pkg/apis/core/helper/qos GetPodQOS), which
// Kubernetes writes to status.qosClass on create.
import { parseQuantity, type PodSpec } from '@svcnet/api-types';

const QOS_RESOURCES = ['cpu', 'memory'];

function positive(v: string | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  try {
    const n = parseQuantity(v).nanos;
    return n > 0n ? n : undefined;
  } catch {
    // an invalid quantity counts as unset (validation rejects it separately)
    return undefined;
  }
}

export function podQOSClass(spec: PodSpec | undefined): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    const found = new Set<string>();
    for (const name of QOS_RESOURCES) {
      // A limit without a request is also the request (Pod defaulting).
      const lim = positive(c.resources?.limits?.[name]);
      const req = positive(c.resources?.requests?.[name]) ?? (c.resources?.requests?.[name] === undefined ? lim : undefined);
      if (req !== undefined) requests.set(name, (requests.get(name) ?? 0n) + req);
      if (lim !== undefined) {
        found.add(name);
        limits.set(name, (limits.get(name) ?? 0n) + lim);
      }
    }
    if (found.size < QOS_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) if (limits.get(name) !== req) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
