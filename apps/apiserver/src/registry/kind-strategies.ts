// What differs between kinds on create and update, as in Kubernetes' registry strategies:
// which part a client may write through the main resource and which through /status.
import type { KubeObject, PodSpec } from '@svcnet/api-types';
import { podQOSClass } from '@svcnet/validation';

export interface KindStrategy {
  /** has a status subresource: the main resource ignores status changes, /status ignores the rest */
  statusSubresource: boolean;
  /** reset status on create (Kubernetes does for Pods, Services, Deployments, ReplicaSets) */
  resetStatusOnCreate?: (obj: KubeObject) => void;
}

const STRATEGIES: Record<string, KindStrategy> = {
  Namespace: {
    statusSubresource: true,
    resetStatusOnCreate: (o) => {
      o.status = { phase: 'Active' };
      o.spec = { finalizers: ['kubernetes'] };
    },
  },
  Node: { statusSubresource: true },
  Pod: {
    statusSubresource: true,
    resetStatusOnCreate: (o) => {
      o.status = { phase: 'Pending', qosClass: podQOSClass(o.spec as PodSpec | undefined) };
    },
  },
  Service: {
    statusSubresource: true,
    resetStatusOnCreate: (o) => {
      o.status = { loadBalancer: {} };
    },
  },
  Deployment: { statusSubresource: true, resetStatusOnCreate: (o) => void (o.status = {}) },
  ReplicaSet: { statusSubresource: true, resetStatusOnCreate: (o) => void (o.status = { replicas: 0 }) },
  Endpoints: { statusSubresource: false },
  EndpointSlice: { statusSubresource: false },
  Event: { statusSubresource: false },
  ConfigMap: { statusSubresource: false },
  Secret: { statusSubresource: false },
  NetworkPolicy: { statusSubresource: false },
};

export function strategyFor(kind: string): KindStrategy {
  return STRATEGIES[kind] ?? { statusSubresource: false };
}
