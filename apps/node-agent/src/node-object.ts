// The Node object this agent registers: addresses, capacity, nodeInfo and the Ready condition
// (renewed by the heartbeat). Pure, so the exact shape is unit-tested.
import * as os from 'node:os';
import type { Condition, Node } from '@svcnet/api-types';

export const AGENT_VERSION = 'v1.32.0-svcnet';

export interface NodeFacts {
  name: string;
  internalIP: string;
  hostname?: string;
  cpus?: number;
  memoryBytes?: number;
  maxPods?: number;
  kernelVersion?: string;
  osImage?: string;
  architecture?: string;
  /** a podCIDR the node asks for (--pod-cidr); otherwise the apiserver allocates one */
  podCIDR?: string;
  /** "containerd://1.6.20", from CRI Version */
  containerRuntimeVersion?: string;
  /** the images the runtime holds (status.images) */
  images?: { names: string[]; sizeBytes: number }[];
}

export function hostFacts(name: string, internalIP: string): NodeFacts {
  return {
    name,
    internalIP,
    hostname: name,
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    maxPods: 110,
    kernelVersion: os.release(),
    osImage: `${os.type()} (svcnet node-agent)`,
    architecture: process.arch === 'x64' ? 'amd64' : process.arch,
  };
}

export function readyCondition(now: string, previous?: Condition[]): Condition {
  const prev = previous?.find((c) => c.type === 'Ready');
  return {
    type: 'Ready',
    status: 'True',
    reason: 'KubeletReady',
    message: 'svcnet node-agent is posting ready status',
    lastHeartbeatTime: now,
    lastTransitionTime: prev?.status === 'True' && prev.lastTransitionTime ? prev.lastTransitionTime : now,
  };
}

/** the node's conditions with Ready renewed and the other conditions kept */
export function heartbeatConditions(now: string, previous?: Condition[]): Condition[] {
  const others = (previous ?? []).filter((c) => c.type !== 'Ready');
  return [...others, readyCondition(now, previous)];
}

export function nodeStatus(f: NodeFacts, now: string, previous?: Condition[]): NonNullable<Node['status']> {
  const capacity = {
    cpu: String(f.cpus ?? 1),
    memory: `${Math.floor((f.memoryBytes ?? 0) / 1024)}Ki`,
    pods: String(f.maxPods ?? 110),
  };
  return {
    addresses: [
      { type: 'InternalIP', address: f.internalIP },
      { type: 'Hostname', address: f.hostname ?? f.name },
    ],
    capacity,
    allocatable: { ...capacity },
    conditions: heartbeatConditions(now, previous),
    ...(f.images ? { images: f.images } : {}),
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: f.kernelVersion ?? '',
      osImage: f.osImage ?? '',
      containerRuntimeVersion: f.containerRuntimeVersion ?? '',
      kubeletVersion: AGENT_VERSION,
      kubeProxyVersion: AGENT_VERSION,
      operatingSystem: 'linux',
      architecture: f.architecture ?? 'amd64',
    },
  };
}

export function buildNode(f: NodeFacts, now: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: f.name,
      labels: {
        'kubernetes.io/hostname': f.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': f.architecture ?? 'amd64',
      },
    },
    spec: f.podCIDR ? { podCIDR: f.podCIDR, podCIDRs: [f.podCIDR] } : {},
    status: nodeStatus(f, now),
  };
}

export function internalIPOf(n: Node): string | undefined {
  return n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}
