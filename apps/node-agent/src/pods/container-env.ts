// The full environment of a container: defaults, service env vars, then the container's own env
// (which wins), with $(VAR) references expanded like kubelet does.
import type { Container, Pod } from '@svcnet/api-types';
import type { EnvPair } from './service-env';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface PodFacts {
  podIP?: string;
  hostIP?: string;
  nodeName?: string;
}

/** $(VAR) is replaced when VAR is known, $$(VAR) is an escaped literal $(VAR), anything else stays. */
export function expandVars(input: string, vars: Map<string, string>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : m;
  });
}

export function fieldRefValue(pod: Pod, path: string, facts: PodFacts): string {
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? facts.nodeName ?? '';
    case 'spec.serviceAccountName':
      return 'default';
    case 'status.podIP':
      return facts.podIP ?? '';
    case 'status.hostIP':
      return facts.hostIP ?? '';
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
      return '';
    }
  }
}

export function containerEnv(pod: Pod, container: Container, serviceEnv: EnvPair[], facts: PodFacts): Map<string, string> {
  const env = new Map<string, string>([
    ['PATH', DEFAULT_PATH],
    ['HOSTNAME', podHostname(pod)],
    ['HOME', '/root'],
  ]);
  for (const e of serviceEnv) env.set(e.name, e.value);
  // container env is applied in order, each value may refer to earlier ones and to service vars
  for (const e of container.env ?? []) {
    let value = e.value ?? '';
    if (e.valueFrom?.fieldRef) value = fieldRefValue(pod, e.valueFrom.fieldRef.fieldPath, facts);
    else value = expandVars(value, env);
    env.set(e.name, value);
  }
  return env;
}

/** the pod's hostname: spec.hostname if set, else the pod name (truncated to 63 like kubelet) */
export function podHostname(pod: Pod): string {
  return (pod.spec.hostname || pod.metadata.name || 'pod').slice(0, 63).replace(/-+$/, '');
}
