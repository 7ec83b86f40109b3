// Resolves a Service port's targetPort for one pod (Kubernetes' podutil.FindPort):
// a number is used as is; a name is looked up in the pod's container ports with the
// same protocol, so two pods may map `http` to different numbers.
import type { Pod, ServicePort } from '@svcnet/api-types';

export function resolveTargetPort(sp: ServicePort, pod: Pod): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  const protocol = sp.protocol ?? 'TCP';
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === tp && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}
