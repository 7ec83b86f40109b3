// fieldRef and resourceFieldRef selectors (env valueFrom and downwardAPI volume files), with
// the field paths Kubernetes accepts in each place.
import { compareQuantities, parseQuantity, type ObjectFieldSelector, type ResourceFieldSelector } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isQualifiedName } from './name-formats';

/** ConvertDownwardAPIFieldLabel: every pod field the downward API knows. */
const KNOWN_FIELDS = new Set(['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs']);
export const ENV_DOWNWARD_API_FIELDS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
export const DOWNWARD_API_VOLUME_FIELDS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const RESOURCE_FIELDS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const CPU_DIVISORS = ['1m', '1'];
const MEMORY_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

/** "metadata.labels['app']" -> ["metadata.labels", "app"] (SplitMaybeSubscriptedPath) */
function splitSubscript(p: string): [string, string] | undefined {
  const m = /^(.*)\['(.*)'\]$/.exec(p);
  return m ? [m[1], m[2]] : undefined;
}

export function validateObjectFieldSelector(fs: ObjectFieldSelector, allowed: readonly string[], path: string): FieldError[] {
  if (!fs.apiVersion) return [FieldError.required(`${path}.apiVersion`)];
  if (!fs.fieldPath) return [FieldError.required(`${path}.fieldPath`)];
  const sub = splitSubscript(fs.fieldPath);
  const base = sub ? sub[0] : fs.fieldPath;
  if (fs.apiVersion !== 'v1') return [FieldError.invalid(`${path}.fieldPath`, fs.fieldPath, `error converting fieldPath: unsupported pod version: ${fs.apiVersion}`)];
  if (!KNOWN_FIELDS.has(base) || (sub && base !== 'metadata.labels' && base !== 'metadata.annotations')) {
    return [FieldError.invalid(`${path}.fieldPath`, fs.fieldPath, `error converting fieldPath: field label not supported: ${fs.fieldPath}`)];
  }
  if (sub) {
    const key = base === 'metadata.annotations' ? sub[1].toLowerCase() : sub[1];
    return isQualifiedName(key).map((m) => FieldError.invalid(path, key, m));
  }
  return allowed.includes(base) ? [] : [FieldError.notSupported(`${path}.fieldPath`, base, allowed)];
}

export function validateResourceFieldSelector(fs: ResourceFieldSelector, path: string, inVolume: boolean): FieldError[] {
  if (inVolume && !fs.containerName) return [FieldError.required(`${path}.containerName`)];
  if (!fs.resource) return [FieldError.required(`${path}.resource`)];
  if (!RESOURCE_FIELDS.includes(fs.resource) && !/^(limits|requests)\.hugepages-/.test(fs.resource)) {
    return [FieldError.notSupported(`${path}.resource`, fs.resource, RESOURCE_FIELDS)];
  }
  const divisor = fs.divisor ?? '1';
  const is = (allowed: string[]) => {
    try {
      return allowed.some((d) => compareQuantities(parseQuantity(divisor), parseQuantity(d)) === 0);
    } catch {
      // an unparsable divisor is not one of the allowed ones (its own error is reported elsewhere)
      return false;
    }
  };
  if (fs.resource.endsWith('.cpu') && !is(CPU_DIVISORS)) {
    return [FieldError.invalid(`${path}.divisor`, divisor, "only divisor's values 1m and 1 are supported with the cpu resource")];
  }
  if ((fs.resource.endsWith('.memory') || fs.resource.endsWith('.ephemeral-storage')) && !is(MEMORY_DIVISORS)) {
    const what = fs.resource.endsWith('.memory') ? 'memory' : 'local ephemeral storage';
    return [FieldError.invalid(`${path}.divisor`, divisor, `only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the ${what} resource`)];
  }
  return [];
}
