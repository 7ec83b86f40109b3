// Decoding a request body against the kind's known fields, as the Kubernetes apiserver does
// with its Go structs: unknown fields are dropped (fieldValidation=Ignore), reported as a
// warning (Warn) or refused (Strict) with `strict decoding error: unknown field "spec.sepc"`;
// a value of the wrong JSON type is always refused with Go's encoding/json wording.
import { ApiError, QuantityParseError, parseQuantity } from '@svcnet/api-types';
import { KIND_SCHEMAS, type FieldT } from './field-schema';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface DecodeResult {
  object: Record<string, unknown>;
  unknownFields: string[];
}

class TypeError_ extends Error {}

function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function goTypeName(t: FieldT): string {
  if (typeof t === 'string') {
    switch (t) {
      case 'intstr':
        return 'intstr.IntOrString';
      case 'time':
        return 'v1.Time';
      case 'float':
        return 'float64';
      case 'quantity':
        return 'resource.Quantity';
      case 'bytes':
        return '[]uint8';
      default:
        return t;
    }
  }
  if ('s' in t) return t.s;
  if ('list' in t) return `[]${goTypeName(t.list)}`;
  return `map[string]${goTypeName(t.map)}`;
}

/** Where Go's base64.StdEncoding stops on s (undefined: valid). Newlines are skipped, as in Go. */
export function base64Error(s: string): number | undefined {
  const text = s.replace(/[\r\n]/g, '');
  const bad = text.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return bad;
  const pad = text.indexOf('=');
  if (pad >= 0 && (!/^=*$/.test(text.slice(pad)) || text.length % 4 !== 0 || text.length - pad > 2)) return pad;
  if (text.length % 4 !== 0) return text.length - (text.length % 4);
  return undefined;
}

/** Walks value against t: returns the pruned value, collects unknown fields, throws on a type error. */
function walk(v: unknown, t: FieldT, path: string, goPath: string, structName: string, unknown: string[]): unknown {
  if (v === null || t === 'any') return v;
  const fail = (extra = '') => {
    throw new TypeError_(`json: cannot unmarshal ${jsonKind(v)}${extra} into Go struct field ${structName}.${goPath} of type ${goTypeName(t)}`);
  };
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
      case 'time':
        if (typeof v !== 'string') fail();
        return v;
      case 'bool':
        if (typeof v !== 'boolean') fail();
        return v;
      case 'int32':
      case 'int64':
        if (typeof v !== 'number') fail();
        if (!Number.isInteger(v) || (t === 'int32' && ((v as number) > 2147483647 || (v as number) < -2147483648))) fail(` ${v}`);
        return v;
      case 'float':
        if (typeof v !== 'number') fail();
        return v;
      case 'intstr':
        if (typeof v !== 'number' && typeof v !== 'string') fail();
        return v;
      case 'quantity':
        if (typeof v !== 'number' && typeof v !== 'string') fail();
        try {
          parseQuantity(v as string | number);
        } catch (e) {
          // Go's Quantity.UnmarshalJSON error is the whole message, without a field name.
          if (e instanceof QuantityParseError) throw new TypeError_(e.message);
          throw e;
        }
        return v;
      case 'bytes': {
        if (typeof v !== 'string') fail();
        const bad = base64Error(v as string);
        if (bad !== undefined) throw new TypeError_(`illegal base64 data at input byte ${bad}`);
        return v;
      }
    }
    return v;
  }
  if ('list' in t) {
    if (!Array.isArray(v)) fail();
    return (v as unknown[]).map((item, i) => walk(item, t.list, `${path}[${i}]`, goPath, structName, unknown));
  }
  if (typeof v !== 'object' || Array.isArray(v)) fail();
  const obj = v as Record<string, unknown>;
  if ('map' in t) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(obj)) out[k] = walk(val, t.map, `${path}.${k}`, goPath, structName, unknown);
    return out;
  }
  const out: Record<string, unknown> = {};
  const shortName = t.s.replace(/^.*\./, '');
  for (const [k, val] of Object.entries(obj)) {
    const ft = t.f[k];
    const p = path ? `${path}.${k}` : k;
    if (!ft) {
      unknown.push(p);
      continue;
    }
    out[k] = walk(val, ft, p, goPath ? `${goPath}.${k}` : k, goPath ? structName : shortName, unknown);
  }
  return out;
}

/**
 * Decodes a whole object of the given kind. Go's error names the innermost struct:
 * "Go struct field ServicePort.spec.ports.port"; we track the struct the field lives in.
 */
export function decodeObject(kind: string, apiVersion: string, body: unknown, mode: FieldValidation, opts: { patch?: boolean } = {}): DecodeResult {
  const schema = KIND_SCHEMAS[kind];
  const prefix = `${kind} in version "${apiVersion.replace(/^.*\//, '')}" cannot be handled as a ${kind}`;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError('BadRequest', `${prefix}: json: cannot unmarshal ${jsonKind(body)} into Go value of type v1.${kind}`);
  }
  if (!schema) return { object: body as Record<string, unknown>, unknownFields: [] };
  const unknown: string[] = [];
  let object: Record<string, unknown>;
  try {
    object = walkNamed(body, schema, '', '', unknown, '', !!opts.patch) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TypeError_) throw new ApiError('BadRequest', `${prefix}: ${e.message}`);
    throw e;
  }
  if (unknown.length && mode === 'Strict') {
    throw new ApiError('BadRequest', `${prefix}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
  return { object, unknownFields: unknown };
}

/**
 * Keeps the name of the struct each field belongs to (Go reports the innermost). In patch
 * mode, strategic-merge directives ($patch, $setElementOrder/..., $retainKeys, ...) pass.
 */
function walkNamed(v: unknown, t: FieldT, path: string, goPath: string, unknown: string[], owner: string, patch: boolean): unknown {
  if (v === null || t === 'any') return v;
  if (typeof t === 'string') return walk(v, t, path, goPath, owner, unknown);
  if ('list' in t) {
    if (!Array.isArray(v)) return walk(v, t, path, goPath, owner, unknown);
    return v.map((item, i) => walkNamed(item, t.list, `${path}[${i}]`, goPath, unknown, owner, patch));
  }
  if ('map' in t) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return walk(v, t, path, goPath, owner, unknown);
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = walkNamed(val, t.map, `${path}.${k}`, goPath, unknown, owner, patch);
    return out;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return walk(v, t, path, goPath, owner, unknown);
  const me = t.s.replace(/^.*\./, '');
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const ft = t.f[k];
    const p = path ? `${path}.${k}` : k;
    if (patch && k.startsWith('$')) {
      out[k] = val;
      continue;
    }
    if (!ft) {
      unknown.push(p);
      continue;
    }
    out[k] = walkNamed(val, ft, p, goPath ? `${goPath}.${k}` : k, unknown, me, patch);
  }
  return out;
}

export function parseFieldValidation(v: string | null): FieldValidation {
  if (!v) return 'Ignore';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw new ApiError('BadRequest', `fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`);
}

/** The Warning header values for Warn mode, as kube-apiserver words them. */
export function unknownFieldWarnings(fields: string[]): string[] {
  return fields.map((f) => `299 - "unknown field \\"${f}\\""`);
}
