// A CRI container status as the Kubernetes container state the kubelet reports
// (kuberuntime toKubeContainerStatus + convertToAPIContainerStatuses). Pure.
import type { ContainerStatus as CriContainerStatus } from '@svcnet/cri-client';
import { nanosToDate } from '@svcnet/cri-client';
import type { ContainerState } from './pod-status';

const iso = (ns: string | number | undefined) => (ns && ns !== '0' ? nanosToDate(String(ns)).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);

export function kubeContainerState(s: CriContainerStatus, terminationMessage?: string): ContainerState {
  switch (s.state) {
    case 'CONTAINER_RUNNING':
      return { running: { startedAt: iso(s.startedAt) } };
    case 'CONTAINER_EXITED': {
      const exitCode = Number(s.exitCode ?? 0);
      const reason = s.reason || (exitCode === 0 ? 'Completed' : 'Error');
      // the runtime's message, then ": " and the termination message (getContainerStatuses)
      const message = [s.message, terminationMessage].filter(Boolean).join(': ') || undefined;
      return {
        terminated: {
          exitCode,
          reason,
          ...(message ? { message } : {}),
          startedAt: iso(s.startedAt) ?? iso(s.createdAt),
          finishedAt: iso(s.finishedAt),
          containerID: `containerd://${s.id}`,
        },
      } as ContainerState;
    }
    case 'CONTAINER_CREATED':
      return { waiting: { reason: 'ContainerCreating' } };
    default:
      return {
        terminated: {
          exitCode: 137,
          reason: 'ContainerStatusUnknown',
          message: 'The container could not be located when the pod was terminated',
          containerID: `containerd://${s.id}`,
        },
      } as ContainerState;
  }
}
