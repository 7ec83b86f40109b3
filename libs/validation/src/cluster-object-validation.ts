// Namespace, Node and Event checks: metadata plus the few spec rules svcnet relies on.
import type { Event, Namespace, Node } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isValidCIDR, isValidIP } from './ip-formats';
import { isDNS1123Label, isDNS1123Subdomain } from './name-formats';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta-validation';

export function validateNamespace(ns: Namespace): FieldError[] {
  return validateObjectMeta(ns.metadata, false, isDNS1123Label);
}

export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, false, isDNS1123Subdomain);
  const spec = node.spec ?? {};
  if (spec.podCIDR) errs.push(...isValidCIDR(spec.podCIDR).map((m) => FieldError.invalid('spec.podCIDR', spec.podCIDR, m)));
  (spec.podCIDRs ?? []).forEach((c, i) => errs.push(...isValidCIDR(c).map((m) => FieldError.invalid(`spec.podCIDRs[${i}]`, c, m))));
  if (spec.podCIDR && spec.podCIDRs?.length && spec.podCIDRs[0] !== spec.podCIDR) {
    errs.push(FieldError.invalid('spec.podCIDRs', spec.podCIDRs, 'first value must match `podCIDR`'));
  }
  (node.status?.addresses ?? []).forEach((a, i) => {
    if (a.type !== 'Hostname') errs.push(...isValidIP(a.address).map((m) => FieldError.invalid(`status.addresses[${i}].address`, a.address, m)));
  });
  return errs;
}

export function validateNodeUpdate(next: Node, old: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata);
  const before = old.spec?.podCIDRs ?? (old.spec?.podCIDR ? [old.spec.podCIDR] : []);
  const now = next.spec?.podCIDRs ?? (next.spec?.podCIDR ? [next.spec.podCIDR] : []);
  if (before.length && JSON.stringify(before) !== JSON.stringify(now)) {
    errs.push(FieldError.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  return [...errs, ...validateNode(next)];
}

export function validateEvent(ev: Event): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, true, isDNS1123Subdomain);
  const ref = ev.involvedObject;
  if (!ref) return [...errs, FieldError.required('involvedObject')];
  if (!ref.kind) errs.push(FieldError.required('involvedObject.kind'));
  if (!ref.name) errs.push(FieldError.required('involvedObject.name'));
  const ns = ev.metadata?.namespace;
  // Events about cluster-scoped objects live in "default"; otherwise the namespaces must agree.
  if (ref.namespace ? ref.namespace !== ns : ns !== 'default' && ns !== undefined && ns !== '') {
    errs.push(FieldError.invalid('involvedObject.namespace', ref.namespace ?? '', 'does not match event.namespace'));
  }
  if (ev.type && ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(FieldError.notSupported('type', ev.type, ['Normal', 'Warning']));
  return errs;
}
