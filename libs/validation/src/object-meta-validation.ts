// metadata checks shared by every kind (ValidateObjectMeta / ValidateObjectMetaUpdate).
import type { ObjectMeta } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isDNS1123Label, isQualifiedName, isValidLabelValue } from './name-formats';

export type NameFormat = (name: string) => string[];

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const sortedKeys = (m: Record<string, string>): string[] => Object.keys(m).sort();

export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of sortedKeys(labels ?? {})) {
    for (const msg of isQualifiedName(key)) errs.push(FieldError.invalid(path, key, msg));
    const value = labels![key];
    for (const msg of isValidLabelValue(String(value))) errs.push(FieldError.invalid(path, value, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const key of sortedKeys(annotations ?? {})) {
    for (const msg of isQualifiedName(key.toLowerCase())) errs.push(FieldError.invalid(path, key, msg));
    size += Buffer.byteLength(key) + Buffer.byteLength(String(annotations![key]));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(FieldError.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameFormat: NameFormat, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (!m.name) {
    if (!m.generateName) errs.push(FieldError.required(`${path}.name`, 'name or generateName is required'));
  } else {
    for (const msg of nameFormat(m.name)) errs.push(FieldError.invalid(`${path}.name`, m.name, msg));
  }
  if (m.generateName) {
    // generateName gets a random suffix, so only its prefix is checked (with a placeholder end).
    for (const msg of nameFormat(`${m.generateName.replace(/-$/, '')}a`)) {
      errs.push(FieldError.invalid(`${path}.generateName`, m.generateName, msg));
    }
  }
  if (namespaced) {
    if (!m.namespace) errs.push(FieldError.required(`${path}.namespace`));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(FieldError.invalid(`${path}.namespace`, m.namespace, msg));
  } else if (m.namespace) {
    errs.push(FieldError.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  return errs;
}

/** Fields that identify an object may not change on update. */
export function validateObjectMetaUpdate(next: ObjectMeta | undefined, old: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    const now = next?.[key];
    const before = old?.[key];
    if (before && now && now !== before) errs.push(FieldError.invalid(`${path}.${key}`, now, 'field is immutable'));
  }
  return errs;
}
