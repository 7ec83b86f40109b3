// Pod spec defaulting (SetDefaults_PodSpec / _Container), shared by Pods and pod templates.
import type { PodSpec } from '@svcnet/api-types';

function defaultPullPolicy(image: string | undefined): string {
  const tag = image?.split('@')[0].split('/').pop()?.split(':')[1];
  return image?.includes('@') || (tag && tag !== 'latest') ? 'IfNotPresent' : 'Always';
}

/** Defaults a pod spec in place; callers pass a copy. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.enableServiceLinks ??= true;
  for (const c of spec.containers ?? []) {
    c.imagePullPolicy ??= defaultPullPolicy(c.image);
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  }
}
