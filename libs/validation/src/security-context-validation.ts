// Pod and container securityContext (ValidatePodSecurityContext, ValidateSecurityContext).
import type { PodSecurityContext, SeccompProfile, SecurityContext } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { GoLiteral } from './go-value-format';
import { isValidUserID } from './name-formats';

const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];
const PROC_MOUNTS = ['Default', 'Unmasked'];
const SYSCTL_RE = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const SYSCTL_MESSAGE = 'must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$';

function validateId(v: number | undefined, path: string): FieldError[] {
  return v === undefined ? [] : isValidUserID(v).map((m) => FieldError.invalid(path, v, m));
}

function validateSeccomp(sp: SeccompProfile | undefined, path: string): FieldError[] {
  if (!sp) return [];
  if (!SECCOMP_TYPES.includes(sp.type)) return [FieldError.notSupported(`${path}.type`, sp.type ?? '', SECCOMP_TYPES)];
  if (sp.type === 'Localhost' && !sp.localhostProfile) return [FieldError.required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost')];
  if (sp.type !== 'Localhost' && sp.localhostProfile !== undefined) {
    return [FieldError.invalid(`${path}.localhostProfile`, sp.localhostProfile, 'can only be set when seccomp type is Localhost')];
  }
  return [];
}

export function validatePodSecurityContext(sc: PodSecurityContext | undefined, hostPID: boolean | undefined, shareProcessNamespace: boolean | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (sc) {
    errs.push(...validateId(sc.runAsUser, `${path}.runAsUser`), ...validateId(sc.runAsGroup, `${path}.runAsGroup`), ...validateId(sc.fsGroup, `${path}.fsGroup`));
    (sc.supplementalGroups ?? []).forEach((g, i) => errs.push(...validateId(g, `${path}.supplementalGroups[${i}]`)));
    if (sc.fsGroupChangePolicy !== undefined && !['OnRootMismatch', 'Always'].includes(sc.fsGroupChangePolicy)) {
      errs.push(FieldError.notSupported(`${path}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ['OnRootMismatch', 'Always']));
    }
    const names = new Set<string>();
    (sc.sysctls ?? []).forEach((s, i) => {
      const p = `${path}.sysctls[${i}].name`;
      if (!s.name) errs.push(FieldError.required(p));
      else if (s.name.length > 253 || !SYSCTL_RE.test(s.name)) errs.push(FieldError.invalid(p, s.name, SYSCTL_MESSAGE));
      else if (names.has(s.name)) errs.push(FieldError.duplicate(p, s.name));
      names.add(s.name);
    });
    errs.push(...validateSeccomp(sc.seccompProfile, `${path}.seccompProfile`));
  }
  if (hostPID && shareProcessNamespace) {
    errs.push(FieldError.invalid(`${path}.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  return errs;
}

export function validateSecurityContext(sc: SecurityContext | undefined, path: string): FieldError[] {
  if (!sc) return [];
  const errs = [...validateId(sc.runAsUser, `${path}.runAsUser`), ...validateId(sc.runAsGroup, `${path}.runAsGroup`)];
  if (sc.procMount !== undefined && !PROC_MOUNTS.includes(sc.procMount)) errs.push(FieldError.notSupported(`${path}.procMount`, sc.procMount, PROC_MOUNTS));
  errs.push(...validateSeccomp(sc.seccompProfile, `${path}.seccompProfile`));
  for (const list of ['add', 'drop'] as const) {
    (sc.capabilities?.[list] ?? []).forEach((c, i) => {
      // Kubernetes takes any string; an empty one can only be a mistake the runtime rejects later.
      if (!c) errs.push(FieldError.required(`${path}.capabilities.${list}[${i}]`));
    });
  }
  if (sc.allowPrivilegeEscalation === false) {
    const literal = new GoLiteral('&core.SecurityContext{...}');
    if (sc.privileged) errs.push(FieldError.invalid(path, literal, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    if (sc.capabilities?.add?.includes('CAP_SYS_ADMIN')) errs.push(FieldError.invalid(path, literal, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
  }
  return errs;
}
