// requests/limits -> the cgroup settings the kubelet asks CRI for (cgroupfs driver, cgroup v1),
// and the pod's QoS class. Mirrors pkg/kubelet/kuberuntime/kuberuntime_container_linux.go. Pure.
import type { Container, Pod } from '@svcnet/api-types';

export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const MIN_QUOTA_US = 1000;

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** cpu in cores and memory in bytes, from Kubernetes quantities */
export interface ContainerAmounts {
  cpuRequest?: number;
  cpuLimit?: number;
  memoryRequest?: number;
  memoryLimit?: number;
}

export interface LinuxResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares: number;
  memoryLimitInBytes?: number;
  oomScoreAdj: number;
}

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** a Kubernetes quantity ("100m", "200Mi", "1.5", "1e3") as a number of base units; the
 *  apiserver has validated it, so anything unparsable is treated as absent */
export function quantityValue(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+)(?:[eE]([+-]?[0-9]+))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? 10 ** Number(m[2]) : 1) * SUFFIX[m[3] ?? ''];
}

/** v * scale rounded up to an integer, as Quantity.MilliValue()/Value() do, without letting
 *  binary floating point turn 1.1 cores into 1101 millicores */
export function ceilScaled(v: number, scale = 1): number {
  const x = v * scale;
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-9 * Math.max(1, Math.abs(x)) ? r : Math.ceil(x);
}

export function containerAmounts(c: Container): ContainerAmounts {
  const r = (c.resources ?? {}) as { limits?: Record<string, string>; requests?: Record<string, string> };
  const limits = r.limits ?? {};
  const requests = r.requests ?? {};
  // a limit without a request makes the request equal to the limit (apiserver defaulting)
  return {
    cpuLimit: quantityValue(limits.cpu),
    cpuRequest: quantityValue(requests.cpu ?? limits.cpu),
    memoryLimit: quantityValue(limits.memory),
    memoryRequest: quantityValue(requests.memory ?? limits.memory),
  };
}

/** v1qos.ComputePodQOS: requests and limits of cpu and memory summed over all containers (zero
 *  quantities do not count); Guaranteed needs every container to limit both and the sums of
 *  requests to equal the sums of limits */
export function qosClass(pod: Pod): QosClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    const a = containerAmounts(c);
    const found = new Set<string>();
    const add = (m: Map<string, number>, k: string, v: number | undefined) => {
      if (v === undefined || !(v > 0)) return false;
      m.set(k, (m.get(k) ?? 0) + v);
      return true;
    };
    add(requests, 'cpu', a.cpuRequest);
    add(requests, 'memory', a.memoryRequest);
    if (add(limits, 'cpu', a.cpuLimit)) found.add('cpu');
    if (add(limits, 'memory', a.memoryLimit)) found.add('memory');
    if (found.size < 2) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, v] of requests) {
      const l = limits.get(k);
      if (l === undefined || ceilScaled(l, 1e9) !== ceilScaled(v, 1e9)) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** kubelet's oom_score_adj policy (pkg/kubelet/qos/policy.go): Guaranteed -997, BestEffort 1000,
 *  Burstable 1000 - 1000*request/capacity, kept within 3..999 */
export function oomScoreAdj(qos: QosClass, memoryRequest: number | undefined, memoryCapacity: number): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const adj = 1000 - Math.floor((1000 * ceilScaled(memoryRequest ?? 0)) / memoryCapacity);
  if (adj < 1000 - 997) return 1000 - 997;
  return adj === 1000 ? 999 : adj;
}

/** calculateLinuxResources: shares from the request (or the limit when there is no request),
 *  the CFS period always and a quota from the limit (0, no quota, without one) */
export function linuxResources(pod: Pod, c: Container, memoryCapacity: number): LinuxResources {
  const a = containerAmounts(c);
  const milliRequest = ceilScaled(a.cpuRequest ?? 0, 1000);
  const milliLimit = ceilScaled(a.cpuLimit ?? 0, 1000);
  const res: LinuxResources = {
    cpuShares: milliRequest === 0 ? MIN_SHARES : Math.max(MIN_SHARES, Math.floor((milliRequest * 1024) / 1000)),
    cpuPeriod: CPU_PERIOD_US,
    cpuQuota: milliLimit === 0 ? 0 : Math.max(MIN_QUOTA_US, Math.floor((milliLimit * CPU_PERIOD_US) / 1000)),
    oomScoreAdj: oomScoreAdj(qosClass(pod), a.memoryRequest, memoryCapacity),
  };
  const mem = ceilScaled(a.memoryLimit ?? 0);
  if (mem !== 0) res.memoryLimitInBytes = mem;
  return res;
}
