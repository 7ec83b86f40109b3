// Pod and pod template checks (a subset of ValidatePodSpec: what svcnet's runtime uses).
import type { Container, Pod, PodSpec } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from './name-formats';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta-validation';
import { PORT_PROTOCOLS } from './service-validation';

// Listed in Kubernetes' order (not sorted) for restartPolicy and dnsPolicy.
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function validateContainer(c: Container, path: string, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(FieldError.required(`${path}.name`));
  else {
    errs.push(...isDNS1123Label(c.name).map((m) => FieldError.invalid(`${path}.name`, c.name, m)));
    if (names.has(c.name)) errs.push(FieldError.duplicate(`${path}.name`, c.name));
    names.add(c.name);
  }
  if (!c.image || !c.image.trim()) errs.push(FieldError.required(`${path}.image`));
  const portNames = new Set<string>();
  (c.ports ?? []).forEach((p, i) => {
    const pp = `${path}.ports[${i}]`;
    if (p.name) {
      errs.push(...isValidPortName(p.name).map((m) => FieldError.invalid(`${pp}.name`, p.name, m)));
      if (portNames.has(p.name)) errs.push(FieldError.duplicate(`${pp}.name`, p.name));
      portNames.add(p.name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) errs.push(FieldError.required(`${pp}.containerPort`));
    else errs.push(...isValidPortNum(p.containerPort).map((m) => FieldError.invalid(`${pp}.containerPort`, p.containerPort, m)));
    if (p.hostPort) errs.push(...isValidPortNum(p.hostPort).map((m) => FieldError.invalid(`${pp}.hostPort`, p.hostPort, m)));
    if (!p.protocol) errs.push(FieldError.required(`${pp}.protocol`));
    else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(FieldError.notSupported(`${pp}.protocol`, p.protocol, PORT_PROTOCOLS));
  });
  (c.env ?? []).forEach((e, i) => {
    if (!e.name) errs.push(FieldError.required(`${path}.env[${i}].name`));
  });
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const containers = spec?.containers ?? [];
  if (containers.length === 0) errs.push(FieldError.required(`${path}.containers`));
  const names = new Set<string>();
  containers.forEach((c, i) => errs.push(...validateContainer(c, `${path}.containers[${i}]`, names)));
  const restart = spec?.restartPolicy;
  if (!restart) errs.push(FieldError.required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(restart)) errs.push(FieldError.notSupported(`${path}.restartPolicy`, restart, RESTART_POLICIES));
  if (spec?.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) {
    errs.push(FieldError.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  }
  for (const key of ['hostname', 'subdomain'] as const) {
    const v = spec?.[key];
    if (v) errs.push(...isDNS1123Label(v).map((m) => FieldError.invalid(`${path}.${key}`, v, m)));
  }
  if (spec?.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    errs.push(FieldError.invalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  return errs;
}

export function validatePod(pod: Pod): FieldError[] {
  return [...validateObjectMeta(pod.metadata, true, isDNS1123Subdomain), ...validatePodSpec(pod.spec, 'spec')];
}

export function validatePodUpdate(next: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata);
  if (old.spec?.nodeName && next.spec?.nodeName !== old.spec.nodeName) {
    errs.push(FieldError.invalid('spec.nodeName', next.spec?.nodeName ?? '', 'field is immutable'));
  }
  return [...errs, ...validatePod(next)];
}
