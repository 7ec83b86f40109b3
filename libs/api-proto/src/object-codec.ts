// Converts between Kubernetes JSON objects and the wire `Object` message.
// Two differences need care: the `oneof kind` wrapper, and IntOrString fields, which are
// a bare number or string in JSON and an {intVal|strVal} message on the wire.
import type { KubeObject } from '@svcnet/api-types';

/** kind -> field name in the `Object` oneof */
const ONEOF_FIELD: Record<string, string> = {
  Namespace: 'namespace',
  Node: 'node',
  Pod: 'pod',
  Service: 'service',
  Endpoints: 'endpoints',
  EndpointSlice: 'endpointSlice',
  Deployment: 'deployment',
  ReplicaSet: 'replicaSet',
  Event: 'event',
  ConfigMap: 'configMap',
  Secret: 'secret',
  NetworkPolicy: 'networkPolicy',
};
const KIND_OF_FIELD = Object.fromEntries(Object.entries(ONEOF_FIELD).map(([k, f]) => [f, k]));

/** Paths of IntOrString fields per kind; `[]` walks every array element. */
const HANDLER_PORTS = ['httpGet.port', 'tcpSocket.port'];
const CONTAINER_INT_OR_STRING = [
  ...['readinessProbe', 'livenessProbe', 'startupProbe'].flatMap((p) => HANDLER_PORTS.map((h) => `${p}.${h}`)),
  ...['postStart', 'preStop'].flatMap((p) => HANDLER_PORTS.map((h) => `lifecycle.${p}.${h}`)),
];
const POD_SPEC_INT_OR_STRING = ['containers[]', 'initContainers[]'].flatMap((c) => CONTAINER_INT_OR_STRING.map((p) => `${c}.${p}`));
const INT_OR_STRING_PATHS: Record<string, string[]> = {
  Service: ['spec.ports[].targetPort'],
  Pod: POD_SPEC_INT_OR_STRING.map((p) => `spec.${p}`),
  Deployment: [
    'spec.strategy.rollingUpdate.maxSurge',
    'spec.strategy.rollingUpdate.maxUnavailable',
    ...POD_SPEC_INT_OR_STRING.map((p) => `spec.template.spec.${p}`),
  ],
  ReplicaSet: POD_SPEC_INT_OR_STRING.map((p) => `spec.template.spec.${p}`),
  NetworkPolicy: ['spec.ingress[].ports[].port', 'spec.egress[].ports[].port'],
};

type Json = Record<string, unknown>;

function mapPath(obj: unknown, parts: string[], fn: (v: unknown) => unknown): void {
  if (obj === null || typeof obj !== 'object') return;
  const [head, ...rest] = parts;
  const isArray = head.endsWith('[]');
  const key = isArray ? head.slice(0, -2) : head;
  const o = obj as Json;
  if (!(key in o) || o[key] === undefined || o[key] === null) return;
  if (isArray) {
    const arr = o[key];
    if (!Array.isArray(arr)) return;
    if (rest.length === 0) o[key] = arr.map(fn);
    else for (const el of arr) mapPath(el, rest, fn);
  } else if (rest.length === 0) {
    o[key] = fn(o[key]);
  } else {
    mapPath(o[key], rest, fn);
  }
}

function toIntOrStringMessage(v: unknown): unknown {
  if (typeof v === 'number') return { intVal: v };
  if (typeof v === 'string') return { strVal: v };
  return v;
}

function fromIntOrStringMessage(v: unknown): unknown {
  if (v && typeof v === 'object') {
    const m = v as { intVal?: number; strVal?: string };
    if (m.intVal !== undefined && m.intVal !== null) return m.intVal;
    if (m.strVal !== undefined && m.strVal !== null) return m.strVal;
    return 0;
  }
  return v;
}

export function kindFieldOf(kind: string): string {
  const f = ONEOF_FIELD[kind];
  if (!f) throw new Error(`kind ${kind} has no wire form`);
  return f;
}

/** JSON object -> `Object` message (a deep copy; the input is not changed). */
export function toWire(obj: KubeObject, kind = obj.kind as string): Json {
  const copy = JSON.parse(JSON.stringify(obj)) as Json;
  for (const p of INT_OR_STRING_PATHS[kind] ?? []) mapPath(copy, p.split('.'), toIntOrStringMessage);
  return { [kindFieldOf(kind)]: copy };
}

/** `Object` message -> JSON object with apiVersion/kind filled in. */
export function fromWire<T extends KubeObject = KubeObject>(msg: Json): T {
  const field = Object.keys(msg).find((k) => k in KIND_OF_FIELD && msg[k] !== undefined && msg[k] !== null);
  if (!field) throw new Error('wire object has no kind');
  const kind = KIND_OF_FIELD[field];
  const obj = msg[field] as Json;
  for (const p of INT_OR_STRING_PATHS[kind] ?? []) mapPath(obj, p.split('.'), fromIntOrStringMessage);
  if (!obj.kind) obj.kind = kind;
  if (!obj.metadata) obj.metadata = {};
  return obj as T;
}
