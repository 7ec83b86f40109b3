// The environment the kubelet gives a container (makeEnvironmentVariables): service env vars,
// envFrom, then the container's own env (which wins), with $(VAR) references expanded like the
// kubelet does. PATH, HOME and HOSTNAME are not the kubelet's: the runtime takes them from the
// image (containerd puts the image's env first, then these) and the sandbox hostname.
import type { ConfigMap, Container, Pod, Secret } from '@svcnet/api-types';
import { ceilScaled, quantityValue } from './resources';
import type { EnvPair } from './service-env';

/** the PATH containerd uses when the image sets none (oci.WithDefaultPathEnv); not sent by the kubelet */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface PodFacts {
  podIP?: string;
  hostIP?: string;
  nodeName?: string;
}

/** third_party/forked/golang/expansion: $(VAR) is replaced when VAR is known, $$ is a literal $
 *  (so $$(VAR) stays $(VAR)), anything else, unknown or unterminated references included, stays. */
export function expandVars(input: string, vars: Map<string, string>): string {
  return input.replace(/\$\$|\$\(([^)]*)\)/g, (m, name?: string) => {
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
      // the whole maps (downward API volumes only): fieldpath.FormatMap
      if (path === 'metadata.labels') return formatMap(pod.metadata.labels ?? {});
      if (path === 'metadata.annotations') return formatMap(pod.metadata.annotations ?? {});
      return '';
    }
  }
}

/** Go's strconv.Quote, which fieldpath.FormatMap uses for the values */
export function goQuote(v: string): string {
  let out = '"';
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}

/** fieldpath.FormatMap: key="value" lines sorted by key, no trailing newline */
export function formatMap(m: Record<string, string>): string {
  return Object.keys(m)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${goQuote(m[k])}`)
    .join('\n');
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

function configMapValue(src: EnvSources, ns: string, ref: { name?: string; key: string; optional?: boolean }): string | undefined {
  const cm = src.configMap(ns, ref.name ?? '');
  if (!cm) {
    if (ref.optional) return undefined;
    throw new EnvError(`configmap "${ref.name}" not found`);
  }
  // only data: a binaryData key is not found (kubelet reads configMap.Data[key])
  const v = cm.data?.[ref.key];
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
  // convertResourceCPUToString works in millicores, the others in units; both round up
  const divisor = quantityValue(ref.divisor) || 1;
  const scale = name === 'cpu' ? 1000 : 1;
  return String(Math.ceil(ceilScaled(value ?? 0, scale) / ceilScaled(divisor, scale)));
}

export function containerEnv(pod: Pod, container: Container, serviceEnv: EnvPair[], facts: PodFacts, src?: EnvSources): Map<string, string> {
  const ns = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>();
  for (const e of serviceEnv) env.set(e.name, e.value);
  // envFrom first, in order. Every key is used: since RelaxedEnvironmentVariableValidation
  // (kubernetes#123385) the kubelet no longer skips keys that are not C identifiers
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
    for (const [k, v] of Object.entries(data)) env.set(prefix + k, v);
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

/** the pod's hostname: spec.hostname if set, else the pod name; longer than 63 characters it is
 *  cut to 63 and loses trailing '-' and '.' (truncatePodHostnameIfNeeded) */
export function podHostname(pod: Pod): string {
  const host = pod.spec.hostname || pod.metadata.name || 'pod';
  return host.length <= 63 ? host : host.slice(0, 63).replace(/[-.]+$/, '');
}
