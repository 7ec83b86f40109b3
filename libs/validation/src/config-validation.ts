// ConfigMap and Secret checks (ValidateConfigMap[Update], ValidateSecret[Update]).
import type { ConfigMap, Secret } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isConfigMapKey, isDNS1123Subdomain } from './name-formats';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta-validation';

/** core.MaxSecretSize: the limit on the total size of a ConfigMap's or Secret's values. */
export const MAX_CONFIG_SIZE = 1024 * 1024;
const IMMUTABLE = 'field is immutable when `immutable` is set';
const REDACTED = '<secret contents redacted>';

const sorted = (m: Record<string, string> | undefined): string[] => Object.keys(m ?? {}).sort();
const decodedLength = (b64: string): number => Buffer.from(b64, 'base64').length;

/** encoding/json's error for unmarshalling text into a map[string]interface{} (exact for a bad first character or a non-object; other syntax errors are reported as the end of input). */
export function goJsonObjectError(text: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    // the syntax error is rebuilt below in encoding/json wording
    const t = text.trimStart();
    if (!t) return 'unexpected end of JSON input';
    const first = t[0];
    if (!'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
    return 'unexpected end of JSON input';
  }
  if (v === null || (typeof v === 'object' && !Array.isArray(v))) return undefined;
  const kind = Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, true, isDNS1123Subdomain);
  let total = 0;
  for (const key of sorted(cm.data)) {
    errs.push(...isConfigMapKey(key).map((m) => FieldError.invalid(`data[${key}]`, key, m)));
    if (cm.binaryData && key in cm.binaryData) errs.push(FieldError.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(cm.data![key] ?? '');
  }
  for (const key of sorted(cm.binaryData)) {
    errs.push(...isConfigMapKey(key).map((m) => FieldError.invalid(`binaryData[${key}]`, key, m)));
    if (cm.data && key in cm.data) errs.push(FieldError.invalid(`binaryData[${key}]`, key, 'duplicate of key present in data'));
    total += decodedLength(cm.binaryData![key] ?? '');
  }
  // Go's field.NewPath("") prints as "[]".
  if (total > MAX_CONFIG_SIZE) errs.push(FieldError.tooLong('[]', MAX_CONFIG_SIZE));
  return errs;
}

export function validateConfigMapUpdate(next: ConfigMap, old: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata);
  if (old.immutable) {
    if (!next.immutable) errs.push(FieldError.forbidden('immutable', IMMUTABLE));
    if (!sameMap(next.data, old.data)) errs.push(FieldError.forbidden('data', IMMUTABLE));
    if (!sameMap(next.binaryData, old.binaryData)) errs.push(FieldError.forbidden('binaryData', IMMUTABLE));
  }
  return [...errs, ...validateConfigMap(next)];
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = sorted(a);
  const kb = sorted(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a![k] === b![k]);
}

function requireKeys(data: Record<string, string>, keys: string[]): FieldError[] {
  return keys.filter((k) => !(k in data)).map((k) => FieldError.required(`data[${k}]`));
}

function validateDockerConfig(data: Record<string, string>, key: string): FieldError[] {
  if (!(key in data)) return [FieldError.required(`data[${key}]`)];
  const err = goJsonObjectError(Buffer.from(data[key], 'base64').toString('utf8'));
  return err ? [FieldError.invalid(`data[${key}]`, REDACTED, err)] : [];
}

/** Expects a defaulted Secret: stringData already merged into data. */
export function validateSecret(s: Secret): FieldError[] {
  const errs = validateObjectMeta(s.metadata, true, isDNS1123Subdomain);
  const data = s.data ?? {};
  let total = 0;
  for (const key of sorted(data)) {
    errs.push(...isConfigMapKey(key).map((m) => FieldError.invalid(`data[${key}]`, key, m)));
    total += decodedLength(data[key] ?? '');
  }
  if (total > MAX_CONFIG_SIZE) errs.push(FieldError.tooLong('data', MAX_CONFIG_SIZE));
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(FieldError.required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
      errs.push(...validateDockerConfig(data, '.dockercfg'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      errs.push(...validateDockerConfig(data, '.dockerconfigjson'));
      break;
    case 'kubernetes.io/basic-auth':
      // Either may be empty, but one of the two keys must be there.
      if (!('username' in data) && !('password' in data)) errs.push(...requireKeys(data, ['username', 'password']));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(FieldError.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      errs.push(...requireKeys(data, ['tls.crt', 'tls.key']));
      break;
    default:
      break;
  }
  return errs;
}

export function validateSecretUpdate(next: Secret, old: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata);
  if ((next.type ?? '') !== (old.type ?? '')) errs.push(FieldError.invalid('type', next.type ?? '', 'field is immutable'));
  if (old.immutable) {
    if (!next.immutable) errs.push(FieldError.forbidden('immutable', IMMUTABLE));
    if (!sameMap(next.data, old.data)) errs.push(FieldError.forbidden('data', IMMUTABLE));
  }
  return [...errs, ...validateSecret(next)];
}
