// Container env and envFrom (ValidateEnv, ValidateEnvFrom), with Kubernetes' paths and wording.
import type { EnvFromSource, EnvVar } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isConfigMapKey, isDNS1123Subdomain, isEnvVarName } from './name-formats';
import { ENV_DOWNWARD_API_FIELDS, validateObjectFieldSelector, validateResourceFieldSelector } from './downward-api-validation';

function validateKeySelector(s: { name?: string; key?: string }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(FieldError.required(`${path}.name`));
  if (!s.key) errs.push(FieldError.required(`${path}.key`));
  else errs.push(...isConfigMapKey(s.key).map((m) => FieldError.invalid(`${path}.key`, s.key, m)));
  return errs;
}

function validateValueFrom(e: EnvVar, path: string): FieldError[] {
  const vf = e.valueFrom;
  if (!vf) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (vf.fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(vf.fieldRef, ENV_DOWNWARD_API_FIELDS, `${path}.fieldRef`));
  }
  if (vf.resourceFieldRef) {
    sources++;
    errs.push(...validateResourceFieldSelector(vf.resourceFieldRef, `${path}.resourceFieldRef`, false));
  }
  if (vf.configMapKeyRef) {
    sources++;
    errs.push(...validateKeySelector(vf.configMapKeyRef, `${path}.configMapKeyRef`));
  }
  if (vf.secretKeyRef) {
    sources++;
    errs.push(...validateKeySelector(vf.secretKeyRef, `${path}.secretKeyRef`));
  }
  if (sources === 0) errs.push(FieldError.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (e.value) errs.push(FieldError.invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(FieldError.invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

export function validateEnv(env: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (!e.name) errs.push(FieldError.required(`${p}.name`));
    else errs.push(...isEnvVarName(e.name).map((m) => FieldError.invalid(`${p}.name`, e.name, m)));
    errs.push(...validateValueFrom(e, `${p}.valueFrom`));
  });
  return errs;
}

export function validateEnvFrom(envFrom: EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (envFrom ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (e.prefix) errs.push(...isEnvVarName(e.prefix).map((m) => FieldError.invalid(`${p}.prefix`, e.prefix, m)));
    let sources = 0;
    for (const key of ['configMapRef', 'secretRef'] as const) {
      const ref = e[key];
      if (!ref) continue;
      sources++;
      if (!ref.name) errs.push(FieldError.required(`${p}.${key}.name`));
      else errs.push(...isDNS1123Subdomain(ref.name).map((m) => FieldError.invalid(`${p}.${key}.name`, ref.name, m)));
    }
    // Kubernetes reports these two on the list's path.
    if (sources === 0) errs.push(FieldError.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(FieldError.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}
