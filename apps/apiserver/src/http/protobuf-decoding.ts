// Request bodies in application/vnd.kubernetes.protobuf (kubectl's typed clients send them):
// the "k8s\\0" magic, a runtime.Unknown envelope, and the object's message inside, turned
// into the same JSON an equivalent JSON request would carry (Go's zero values omitted,
// IntOrString as number or string, metav1.Time as RFC 3339 or null).
import * as protobuf from 'protobufjs';
import { ApiError, rfc3339 } from '@svcnet/api-types';
import { K8S_PROTO } from './protobuf-schema';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const ZERO_TIME_SECONDS = -62135596800;

let root: protobuf.Root | undefined;
function types(): protobuf.Root {
  root ??= protobuf.parse(K8S_PROTO, { keepCase: true }).root;
  return root;
}

/** Pointer fields in the Go types: present when set, so a zero value there is meaningful. */
const POINTER_FIELDS = new Set([
  'replicas', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'deletionGracePeriodSeconds', 'revisionHistoryLimit',
  'progressDeadlineSeconds', 'priority', 'enableServiceLinks', 'automountServiceAccountToken', 'allocateLoadBalancerNodePorts',
  'controller', 'blockOwnerDeletion', 'timeoutSeconds', 'immutable',
]);

/** Go's []byte is base64 text in JSON. */
const bytesToJson = (v: unknown): unknown => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v);

function convert(msg: protobuf.Message, type: protobuf.Type, present: (m: protobuf.Message, f: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const name = field.name;
    const raw = (msg as unknown as Record<string, unknown>)[name];
    if (field.map) {
      const m = raw as Record<string, unknown> | undefined;
      if (!m || !Object.keys(m).length) continue;
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(m)) o[k] = field.resolvedType ? value(v, field.resolvedType as protobuf.Type, present) : bytesToJson(v);
      out[name] = o;
      continue;
    }
    if (field.repeated) {
      const arr = raw as unknown[] | undefined;
      if (!arr || !arr.length) continue;
      out[name] = arr.map((v) => (field.resolvedType instanceof protobuf.Type ? value(v, field.resolvedType, present) : v));
      continue;
    }
    if (!present(msg, name)) continue;
    if (field.resolvedType instanceof protobuf.Type) {
      const v = value(raw, field.resolvedType, present);
      if (v === undefined) continue;
      out[name] = v;
      continue;
    }
    let v: unknown = raw;
    if (typeof v === 'object' && v !== null && 'low' in (v as object)) v = Number(String(v)); // Long
    if (!POINTER_FIELDS.has(name) && (v === '' || v === 0 || v === false)) continue;
    out[name] = v;
  }
  return out;
}

function value(v: unknown, t: protobuf.Type, present: (m: protobuf.Message, f: string) => boolean): unknown {
  const m = v as protobuf.Message;
  if (t.name === 'Time') {
    const s = Number(String((m as unknown as { seconds?: unknown }).seconds ?? 0));
    if (s === ZERO_TIME_SECONDS || s === 0) return null;
    return rfc3339(s * 1000);
  }
  if (t.name === 'IntOrString') {
    const x = m as unknown as { type?: unknown; intVal?: number; strVal?: string };
    return Number(String(x.type ?? 0)) === 1 ? x.strVal ?? '' : x.intVal ?? 0;
  }
  if (t.name === 'Quantity') return (m as unknown as { string?: string }).string ?? '';
  if (t.name === 'Probe') {
    const o = convert(m, t, present);
    const handler = (o.handler ?? {}) as Record<string, unknown>;
    delete o.handler;
    return { ...handler, ...o };
  }
  return convert(m, t, present);
}

/** Decodes a protobuf request body into the object's JSON form. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new ApiError('BadRequest', 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  const r = types();
  const unknownT = r.lookupType('k8s.Unknown');
  const env = unknownT.decode(body.subarray(4)) as unknown as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  const kind = env.typeMeta?.kind ?? '';
  const apiVersion = env.typeMeta?.apiVersion ?? '';
  let t: protobuf.Type;
  try {
    t = r.lookupType(`k8s.${kind}`);
  } catch {
    throw new ApiError('BadRequest', `the protobuf form of ${kind || 'this object'} is not supported by svcnet; send JSON`);
  }
  const msg = t.decode(env.raw ?? new Uint8Array());
  const present = (mm: protobuf.Message, f: string) => Object.prototype.hasOwnProperty.call(mm, f);
  return { apiVersion, kind, ...convert(msg, t, present) };
}
