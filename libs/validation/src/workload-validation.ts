// Deployment and ReplicaSet checks: a selector that matches the template, replicas >= 0.
import type { Deployment, LabelSelector, PodTemplateSpec, ReplicaSet } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { GoLiteral, goQuote } from './go-value-format';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './name-formats';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta-validation';
import { validatePodSpec } from './pod-validation';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

type Workload = Deployment | ReplicaSet;

/** Go's %#v of a *metav1.LabelSelector, for "field is immutable" / "empty selector" messages. */
function selectorLiteral(s: LabelSelector | undefined): GoLiteral {
  const labels = Object.keys(s?.matchLabels ?? {}).sort();
  const ml = labels.length ? `map[string]string{${labels.map((k) => `${goQuote(k)}:${goQuote(s!.matchLabels![k])}`).join(', ')}}` : 'map[string]string(nil)';
  const me = s?.matchExpressions?.length ? `[]v1.LabelSelectorRequirement{...}` : '[]v1.LabelSelectorRequirement(nil)';
  return new GoLiteral(`&v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`);
}

export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const inValues = has && (r.values ?? []).includes(labels[r.key]);
    if (r.operator === 'In' && !inValues) return false;
    if (r.operator === 'NotIn' && inValues) return false;
    if (r.operator === 'Exists' && !has) return false;
    if (r.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** unversioned ValidateLabelSelector: matchLabels and matchExpressions. */
export function validateSelector(s: LabelSelector, path: string): FieldError[] {
  const errs = validateLabels(s.matchLabels, `${path}.matchLabels`);
  (s.matchExpressions ?? []).forEach((r, i) => {
    const rp = `${path}.matchExpressions[${i}]`;
    errs.push(...isQualifiedName(r.key ?? '').map((m) => FieldError.invalid(`${rp}.key`, r.key, m)));
    if (!OPERATORS.includes(r.operator)) errs.push(FieldError.invalid(`${rp}.operator`, r.operator, 'not a valid selector operator'));
    else if ((r.operator === 'In' || r.operator === 'NotIn') && !r.values?.length) {
      errs.push(FieldError.required(`${rp}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && r.values?.length) {
      errs.push(FieldError.forbidden(`${rp}.values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
    }
    (r.values ?? []).forEach((v, j) => errs.push(...isValidLabelValue(v).map((m) => FieldError.invalid(`${rp}.values[${j}]`, v, m))));
  });
  return errs;
}

function validateTemplate(template: PodTemplateSpec | undefined, selector: LabelSelector | undefined): FieldError[] {
  if (!template) return [FieldError.required('spec.template')];
  const labels = template.metadata?.labels ?? {};
  const errs = validateLabels(template.metadata?.labels, 'spec.template.metadata.labels');
  if (selector && Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) > 0 && !selectorMatches(selector, labels)) {
    errs.push(FieldError.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  if (template.spec?.restartPolicy && template.spec.restartPolicy !== 'Always') {
    errs.push(FieldError.notSupported('spec.template.spec.restartPolicy', template.spec.restartPolicy, ['Always']));
  }
  return errs;
}

export function validateWorkload(obj: Workload, kindLabel: 'deployment' | 'replicaset'): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, isDNS1123Subdomain);
  const spec = obj.spec;
  if (spec?.replicas !== undefined && !(Number.isInteger(spec.replicas) && spec.replicas >= 0)) {
    errs.push(FieldError.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
  const selector = spec?.selector;
  if (!selector) errs.push(FieldError.required('spec.selector'));
  else {
    errs.push(...validateSelector(selector, 'spec.selector'));
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) === 0) {
      errs.push(FieldError.invalid('spec.selector', selectorLiteral(selector), `empty selector is invalid for ${kindLabel}`));
    }
  }
  errs.push(...validateTemplate(spec?.template, selector));
  if (spec?.minReadySeconds !== undefined && spec.minReadySeconds < 0) {
    errs.push(FieldError.invalid('spec.minReadySeconds', spec.minReadySeconds, 'must be greater than or equal to 0'));
  }
  return errs;
}

export function validateWorkloadUpdate(next: Workload, old: Workload, kindLabel: 'deployment' | 'replicaset'): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata);
  if (JSON.stringify(next.spec?.selector ?? null) !== JSON.stringify(old.spec?.selector ?? null)) {
    errs.push(FieldError.invalid('spec.selector', selectorLiteral(next.spec?.selector), 'field is immutable'));
  }
  return [...errs, ...validateWorkload(next, kindLabel)];
}
