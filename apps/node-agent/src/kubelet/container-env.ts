// The full environment of a container: defaults, service env vars, then the container's own env
// (which wins), with $(VAR) references expanded like kubelet does.
import type { ConfigMap, Container, Pod, Secret } from '@svcnet/api-types';
import { quantityValue } from './resources';
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
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIPs':
      return facts.podIP ?? '';
    case 'status.hostIPs':
      return facts.hostIP ?? '';
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

/** where env valueFrom / envFrom values come from (the node's ConfigMap and Secret caches) */
export interface EnvSources {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  /** resourceFieldRef of a container without a limit falls back to the node's allocatable */
  nodeAllocatable?: { cpu: number; memory: number };
}

/** a value that could not be resolved: the container is not started (CreateContainerConfigError) */
export class EnvError extends Error {}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function configMapValue(src: EnvSources, ns: string, ref: { name?: string; key: string; optional?: boolean }): string | undefined {
  const cm = src.configMap(ns, ref.name ?? '');
  if (!cm) {
    if (ref.optional) return undefined;
    throw new EnvError(`configmap "${ref.name}" not found`);
  }
  const v = cm.data?.[ref.key] ?? (cm.binaryData?.[ref.key] !== undefined ? Buffer.from(cm.binaryData[ref.key], 'base64').toString('utf8') : undefined);
  if (v === undefined && !ref.optional) throw new EnvError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
  return v;
}

function secretValue(src: EnvSources, ns: string, ref: { name?: string; key: string; optional?: boolean }): string | undefined {
  const s = src.secret(ns, ref.name ?? '');
  if (!s) {
    if (ref.optional) return undefined;
    throw new EnvError(`secret "${ref.name}" not found`);
  }
  const b64 = s.data?.[ref.key];
  if (b64 === undefined) {
    if (ref.optional) return undefined;
    throw new EnvError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
  }
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** resourceFieldRef: limits.cpu / requests.memory ... in units of the divisor, rounded up like kubelet */
export function resourceFieldValue(pod: Pod, container: Container, ref: { containerName?: string; resource: string; divisor?: string | number }, src: EnvSources): string {
  const target = ref.containerName ? [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === ref.containerName) ?? container : container;
  const r = (target.resources ?? {}) as { limits?: Record<string, string>; requests?: Record<string, string> };
  const [kind, name] = ref.resource.split('.') as ['limits' | 'requests', string];
  let value = quantityValue(r[kind]?.[name] ?? (kind === 'requests' ? r.limits?.[name] : undefined));
  if (value === undefined) {
    if (kind === 'limits') value = name === 'cpu' ? src.nodeAllocatable?.cpu : name === 'memory' ? src.nodeAllocatable?.memory : undefined;
    else value = 0;
  }
  const divisor = quantityValue(ref.divisor) || 1;
  return String(Math.ceil((value ?? 0) / divisor));
}

export function containerEnv(pod: Pod, container: Container, serviceEnv: EnvPair[], facts: PodFacts, src?: EnvSources): Map<string, string> {
  const ns = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>([
    ['PATH', DEFAULT_PATH],
    ['HOSTNAME', podHostname(pod)],
    ['HOME', '/root'],
  ]);
  for (const e of serviceEnv) env.set(e.name, e.value);
  // envFrom first, in order; keys that are not valid variable names are skipped (kubelet warns)
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string> = {};
    if (from.configMapRef && src) {
      const cm = src.configMap(ns, from.configMapRef.name ?? '');
      if (!cm && !from.configMapRef.optional) throw new EnvError(`configmap "${from.configMapRef.name}" not found`);
      data = { ...(cm?.data ?? {}) };
    } else if (from.secretRef && src) {
      const s = src.secret(ns, from.secretRef.name ?? '');
      if (!s && !from.secretRef.optional) throw new EnvError(`secret "${from.secretRef.name}" not found`);
      data = Object.fromEntries(Object.entries(s?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    }
    for (const [k, v] of Object.entries(data)) if (ENV_NAME.test(prefix + k)) env.set(prefix + k, v);
  }
  // container env is applied in order, each value may refer to earlier ones and to service vars
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    let value: string | undefined;
    if (from?.fieldRef) value = fieldRefValue(pod, from.fieldRef.fieldPath, facts);
    else if (from?.configMapKeyRef) value = src ? configMapValue(src, ns, from.configMapKeyRef) : undefined;
    else if (from?.secretKeyRef) value = src ? secretValue(src, ns, from.secretKeyRef) : undefined;
    else if (from?.resourceFieldRef) value = resourceFieldValue(pod, container, from.resourceFieldRef, src ?? { configMap: () => undefined, secret: () => undefined });
    else value = expandVars(e.value ?? '', env);
    if (value !== undefined) env.set(e.name, value);
  }
  return env;
}

/** the pod's hostname: spec.hostname if set, else the pod name (truncated to 63 like kubelet) */
export function podHostname(pod: Pod): string {
  return (pod.spec.hostname || pod.metadata.name || 'pod').slice(0, 63).replace(/-+$/, '');
}
