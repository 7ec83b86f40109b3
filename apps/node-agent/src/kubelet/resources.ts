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

export function qosClass(pod: Pod): QosClass {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map(containerAmounts);
  if (all.every((a) => a.cpuRequest === undefined && a.cpuLimit === undefined && a.memoryRequest === undefined && a.memoryLimit === undefined)) return 'BestEffort';
  const guaranteed = all.every(
    (a) => a.cpuLimit !== undefined && a.memoryLimit !== undefined && a.cpuRequest === a.cpuLimit && a.memoryRequest === a.memoryLimit,
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** kubelet's oom_score_adj policy: Guaranteed -997, BestEffort 1000, Burstable by memory request */
export function oomScoreAdj(qos: QosClass, memoryRequest: number | undefined, memoryCapacity: number): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const adj = 1000 - Math.floor((1000 * (memoryRequest ?? 0)) / memoryCapacity);
  return Math.min(999, Math.max(2, adj));
}

export function linuxResources(pod: Pod, c: Container, memoryCapacity: number): LinuxResources {
  const a = containerAmounts(c);
  const milliRequest = Math.round((a.cpuRequest ?? 0) * 1000);
  const res: LinuxResources = {
    cpuShares: milliRequest === 0 ? MIN_SHARES : Math.max(MIN_SHARES, Math.floor((milliRequest * 1024) / 1000)),
    oomScoreAdj: oomScoreAdj(qosClass(pod), a.memoryRequest, memoryCapacity),
  };
  if (a.cpuLimit !== undefined) {
    res.cpuPeriod = CPU_PERIOD_US;
    res.cpuQuota = Math.max(MIN_QUOTA_US, Math.floor((Math.round(a.cpuLimit * 1000) * CPU_PERIOD_US) / 1000));
  }
  if (a.memoryLimit !== undefined) res.memoryLimitInBytes = Math.floor(a.memoryLimit);
  return res;
}
