// Pod and pod template checks (ValidatePodSpec and what it calls, for the fields svcnet's
// kubelet implements), with Kubernetes' paths and wording.
import type { Container, Pod, PodDNSConfig, PodSpec } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isValidIP } from './ip-formats';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from './name-formats';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta-validation';
import { PORT_PROTOCOLS } from './service-validation';
import { validateEnv, validateEnvFrom } from './env-validation';
import { validateLifecycle, validateProbe } from './probe-validation';
import { validateResources } from './resources-validation';
import { validatePodSecurityContext, validateSecurityContext } from './security-context-validation';
import { validateVolumeMounts, validateVolumes } from './volume-validation';

// Listed in Kubernetes' order (not sorted) for restartPolicy and dnsPolicy.
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['FallbackToLogsOnError', 'File'];
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;

interface ContainerContext {
  names: Set<string>;
  volumes: Set<string>;
  init: boolean;
}

/** In Kubernetes' order (validateContainerCommon, then validateContainers' per-kind checks). */
function validateContainer(c: Container, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(FieldError.required(`${path}.name`));
  else errs.push(...isDNS1123Label(c.name).map((m) => FieldError.invalid(`${path}.name`, c.name, m)));
  if (!c.image || !c.image.trim()) errs.push(FieldError.required(`${path}.image`));
  if (c.terminationMessagePolicy === undefined || c.terminationMessagePolicy === '') errs.push(FieldError.required(`${path}.terminationMessagePolicy`));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(c.terminationMessagePolicy)) {
    errs.push(FieldError.notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
  }
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
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx.volumes, !!c.securityContext?.privileged, `${path}.volumeMounts`));
  if (!c.imagePullPolicy) errs.push(FieldError.required(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(FieldError.notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  errs.push(...validateResources(c.resources, `${path}.resources`));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`));
  if (c.name) {
    if (ctx.names.has(c.name)) errs.push(FieldError.duplicate(`${path}.name`, c.name));
    ctx.names.add(c.name);
  }
  errs.push(...validateLifecycle(c.lifecycle, `${path}.lifecycle`));
  const sidecar = ctx.init && c.restartPolicy === 'Always';
  for (const [key, kind] of [['livenessProbe', 'liveness'], ['readinessProbe', 'readiness'], ['startupProbe', 'startup']] as const) {
    if (ctx.init && !sidecar && c[key]) errs.push(FieldError.forbidden(`${path}.${key}`, 'may not be set for init containers without restartPolicy=Always'));
    else errs.push(...validateProbe(c[key], kind, `${path}.${key}`));
  }
  if (c.restartPolicy !== undefined) {
    if (!ctx.init) errs.push(FieldError.forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
    else if (c.restartPolicy !== 'Always') errs.push(FieldError.notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  }
  return errs;
}

function validateDNSConfig(cfg: PodDNSConfig | undefined, dnsPolicy: string | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (dnsPolicy === 'None' && !cfg?.nameservers?.length) {
    errs.push(FieldError.required(`${path}.nameservers`, 'must provide at least one DNS nameserver when DNSPolicy is None'));
  }
  if (!cfg) return errs;
  const ns = cfg.nameservers ?? [];
  if (ns.length > MAX_DNS_NAMESERVERS) errs.push(FieldError.invalid(`${path}.nameservers`, ns, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  ns.forEach((ip, i) => errs.push(...isValidIP(ip).map((m) => FieldError.invalid(`${path}.nameservers[${i}]`, ip, m))));
  const searches = cfg.searches ?? [];
  if (searches.length > MAX_DNS_SEARCH_PATHS) errs.push(FieldError.invalid(`${path}.searches`, searches, `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`));
  searches.forEach((s, i) => {
    // A trailing dot is allowed: the name is fully qualified.
    const name = s.endsWith('.') ? s.slice(0, -1) : s;
    errs.push(...isDNS1123Subdomain(name).map((m) => FieldError.invalid(`${path}.searches[${i}]`, name, m)));
  });
  (cfg.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(FieldError.required(`${path}.options[${i}]`, 'Option.Name must not be empty'));
  });
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const { errs: volErrs, names: volumes } = validateVolumes(spec?.volumes, `${path}.volumes`);
  errs.push(...volErrs);
  const containers = spec?.containers ?? [];
  if (containers.length === 0) errs.push(FieldError.required(`${path}.containers`));
  // Init and regular containers share one name space; Kubernetes checks the regular ones first.
  const names = new Set<string>();
  containers.forEach((c, i) => errs.push(...validateContainer(c, `${path}.containers[${i}]`, { names, volumes, init: false })));
  (spec?.initContainers ?? []).forEach((c, i) => errs.push(...validateContainer(c, `${path}.initContainers[${i}]`, { names, volumes, init: true })));
  const restart = spec?.restartPolicy;
  if (!restart) errs.push(FieldError.required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(restart)) errs.push(FieldError.notSupported(`${path}.restartPolicy`, restart, RESTART_POLICIES));
  if (spec?.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) {
    errs.push(FieldError.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  }
  errs.push(...validateDNSConfig(spec?.dnsConfig, spec?.dnsPolicy, `${path}.dnsConfig`));
  for (const key of ['hostname', 'subdomain'] as const) {
    const v = spec?.[key];
    if (v) errs.push(...isDNS1123Label(v).map((m) => FieldError.invalid(`${path}.${key}`, v, m)));
  }
  if (spec?.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    errs.push(FieldError.invalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  const deadline = spec?.activeDeadlineSeconds;
  if (deadline !== undefined && (deadline < 1 || deadline > 2147483647)) {
    errs.push(FieldError.invalid(`${path}.activeDeadlineSeconds`, deadline, 'must be between 1 and 2147483647, inclusive'));
  }
  if (spec?.serviceAccountName) {
    errs.push(...isDNS1123Subdomain(spec.serviceAccountName).map((m) => FieldError.invalid(`${path}.serviceAccountName`, spec.serviceAccountName, m)));
  }
  (spec?.imagePullSecrets ?? []).forEach((s, i) => {
    if (!s.name) errs.push(FieldError.required(`${path}.imagePullSecrets[${i}].name`));
  });
  (spec?.hostAliases ?? []).forEach((a, i) => {
    errs.push(...isValidIP(a.ip ?? '').map((m) => FieldError.invalid(`${path}.hostAliases[${i}].ip`, a.ip ?? '', m)));
    (a.hostnames ?? []).forEach((h, j) => errs.push(...isDNS1123Subdomain(h).map((m) => FieldError.invalid(`${path}.hostAliases[${i}].hostnames[${j}]`, h, m))));
  });
  errs.push(...validatePodSecurityContext(spec?.securityContext, spec?.hostPID, spec?.shareProcessNamespace, `${path}.securityContext`));
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
