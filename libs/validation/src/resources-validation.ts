// Container resources (ValidateResourceRequirements): resource names, quantities that parse
// and are not negative, requests <= limits. Map keys are visited sorted (Go's order is random).
import { QuantityParseError, canonicalQuantity, compareQuantities, parseQuantity, type Quantity, type ResourceRequirements } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isQualifiedName } from './name-formats';

// IsStandardResourceName (every kind of quota and container resource) and the container subset.
const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas',
  'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers', 'requests.cpu', 'requests.memory',
  'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage']);
const CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const OVERCOMMITTABLE = (name: string) => !name.startsWith('hugepages-') && (!name.includes('/') || name.includes('kubernetes.io/'));

function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => FieldError.invalid(path, name, m));
  if (!name.includes('/')) {
    const hugepages = name.startsWith('hugepages-');
    if (!STANDARD_RESOURCES.has(name) && !hugepages) errs.push(FieldError.invalid(path, name, 'must be a standard resource type or fully qualified'));
    if (!CONTAINER_RESOURCES.has(name) && !hugepages) errs.push(FieldError.invalid(path, name, 'must be a standard resource for containers'));
  } else if (!name.includes('kubernetes.io/') && name.startsWith('requests.')) {
    errs.push(FieldError.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateQuantity(name: string, value: string, path: string): { errs: FieldError[]; q?: Quantity } {
  let q: Quantity;
  try {
    q = parseQuantity(value);
  } catch (e) {
    if (e instanceof QuantityParseError) return { errs: [FieldError.invalid(path, String(value), e.message)] };
    throw e;
  }
  if (q.nanos < 0n) return { errs: [FieldError.invalid(path, canonicalQuantity(q), 'must be greater than or equal to 0')], q };
  // Extended resources (example.com/gpu) are counted in whole units.
  if (!OVERCOMMITTABLE(name) && name.includes('/') && q.nanos % 10n ** 9n !== 0n) return { errs: [FieldError.invalid(path, canonicalQuantity(q), 'must be an integer')], q };
  return { errs: [], q };
}

export function validateResources(r: ResourceRequirements | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits = new Map<string, Quantity>();
  for (const name of Object.keys(r?.limits ?? {}).sort()) {
    const p = `${limPath}[${name}]`;
    errs.push(...validateResourceName(name, p));
    const { errs: qe, q } = validateQuantity(name, r!.limits![name], p);
    errs.push(...qe);
    if (q) limits.set(name, q);
  }
  for (const name of Object.keys(r?.requests ?? {}).sort()) {
    const p = `${reqPath}[${name}]`;
    errs.push(...validateResourceName(name, p));
    const { errs: qe, q } = validateQuantity(name, r!.requests![name], p);
    errs.push(...qe);
    const limit = limits.get(name);
    if (q && limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !OVERCOMMITTABLE(name)) {
        errs.push(FieldError.invalid(reqPath, canonicalQuantity(q), `must be equal to ${name} limit of ${canonicalQuantity(limit)}`));
      } else if (cmp > 0) {
        errs.push(FieldError.invalid(reqPath, canonicalQuantity(q), `must be less than or equal to ${name} limit of ${canonicalQuantity(limit)}`));
      }
    } else if (q && !OVERCOMMITTABLE(name) && !(r?.limits && name in r.limits)) {
      errs.push(FieldError.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
