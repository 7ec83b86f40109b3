// The facts about a pod that NetworkPolicy needs: where it is (namespace, node), what it is
// (labels), its address and its named container ports. Pods without an IP, host-network pods
// (their address is the node's) and finished pods take no part, neither as targets nor peers.
import type { Pod } from '@svcnet/api-types';
import { isIPv4 } from '@svcnet/ipnet';

export interface NamedPort {
  name: string;
  port: number;
  /** TCP, UDP or SCTP */
  protocol: string;
}

export interface PolicyPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  nodeName: string;
  namedPorts: NamedPort[];
}

export function policyPod(pod: Pod): PolicyPod | undefined {
  const ip = pod.status?.podIP;
  if (!ip || !isIPv4(ip) || pod.spec?.hostNetwork) return undefined;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return undefined;
  const namedPorts: NamedPort[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) if (p.name) namedPorts.push({ name: p.name, port: p.containerPort, protocol: p.protocol ?? 'TCP' });
  }
  return {
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name ?? '',
    labels: pod.metadata.labels ?? {},
    ip,
    nodeName: pod.spec?.nodeName ?? '',
    namedPorts,
  };
}

/** The number a named port has on this pod for this protocol (the first container that declares it), if any. */
export function resolveNamedPort(pod: PolicyPod, name: string, protocol: string): number | undefined {
  return pod.namedPorts.find((p) => p.name === name && p.protocol === protocol)?.port;
}
