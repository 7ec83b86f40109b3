// Service validation on create (ValidateService) and update (ValidateServiceUpdate), with
// Kubernetes' field paths and wording. Expects a defaulted Service (see defaultService).
import { isHeadless, needsHealthCheckNodePort, type Service, type ServicePort } from '@svcnet/api-types';
import { familyOf } from '@svcnet/ipnet';
import { FieldError } from './field-error';
import { GoLiteral, goQuote } from './go-value-format';
import { isNonSpecialIP, isValidCIDR, isValidIP } from './ip-formats';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum } from './name-formats';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta-validation';
import { isExternallyAccessible, normalizeClusterIPs } from './service-defaults';

// Sorted, as Go's sets.List prints them.
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
const KUBELET_PORT = 10250;

export interface ServiceValidationOptions {
  /**
   * Set when validating before the apiserver has allocated ClusterIPs and node ports;
   * skips the checks that only hold after allocation (healthCheckNodePort required).
   */
  beforeAllocation?: boolean;
}

/** %#v of the (protocol, port) key Kubernetes reports for a duplicate port. */
function servicePortKey(p: ServicePort): GoLiteral {
  return new GoLiteral(
    `core.ServicePort{Name:"", Protocol:${goQuote(p.protocol ?? '')}, AppProtocol:(*string)(nil), Port:${p.port}, ` +
      `TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

function validatePortNumOrName(value: unknown, path: string): FieldError[] {
  if (typeof value === 'number') return isValidPortNum(value).map((m) => FieldError.invalid(path, value, m));
  if (typeof value === 'string') return isValidPortName(value).map((m) => FieldError.invalid(path, value, m));
  return [FieldError.invalid(path, value, 'must be an integer or a string')];
}

function validateServicePort(p: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) {
    errs.push(FieldError.required(`${path}.name`));
  } else if (p.name) {
    errs.push(...isDNS1123Label(p.name).map((m) => FieldError.invalid(`${path}.name`, p.name, m)));
    if (names.has(p.name)) errs.push(FieldError.duplicate(`${path}.name`, p.name));
    names.add(p.name);
  }
  errs.push(...isValidPortNum(p.port).map((m) => FieldError.invalid(`${path}.port`, p.port, m)));
  if (!p.protocol) errs.push(FieldError.required(`${path}.protocol`));
  else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(FieldError.notSupported(`${path}.protocol`, p.protocol, PORT_PROTOCOLS));
  errs.push(...validatePortNumOrName(p.targetPort, `${path}.targetPort`));
  if (p.appProtocol !== undefined) {
    errs.push(...isQualifiedName(p.appProtocol).map((m) => FieldError.invalid(`${path}.appProtocol`, p.appProtocol, m)));
  }
  return errs;
}

function validateClusterIPs(svc: Service): FieldError[] {
  const spec = svc.spec;
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName') return errs;
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(FieldError.required('spec.clusterIPs'));
    else if (ips[0] !== spec.clusterIP) errs.push(FieldError.invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  } else if (ips.length) {
    errs.push(FieldError.invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(FieldError.notSupported(`spec.ipFamilies[${i}]`, f, IP_FAMILIES));
    if (seen.has(f)) errs.push(FieldError.duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(FieldError.notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let invalid = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalid = true;
        errs.push(FieldError.invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      }
      return;
    }
    for (const m of isValidIP(ip)) {
      invalid = true;
      errs.push(FieldError.invalid(`spec.clusterIPs[${i}]`, ip, m));
    }
  });
  if (ips.length > 2) errs.push(FieldError.invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  if (invalid) return errs;
  if (ips.length === 2 && familyOf(ips[0]) === familyOf(ips[1])) {
    errs.push(FieldError.invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(svc)) {
    ips.forEach((ip, i) => {
      const family = spec.ipFamilies?.[i];
      if (family === 'IPv4' && familyOf(ip) === 6) errs.push(FieldError.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (family === 'IPv6' && familyOf(ip) === 4) errs.push(FieldError.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateTrafficPolicies(svc: Service, opts: ServiceValidationOptions): FieldError[] {
  const spec = svc.spec;
  const errs: FieldError[] = [];
  if (!isExternallyAccessible(spec)) {
    if (spec.externalTrafficPolicy) {
      errs.push(FieldError.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    }
  } else if (!spec.externalTrafficPolicy) {
    errs.push(FieldError.required('spec.externalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(spec.externalTrafficPolicy)) {
    errs.push(FieldError.notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, TRAFFIC_POLICIES));
  }
  const needsHealthCheck = needsHealthCheckNodePort({ spec });
  const hc = spec.healthCheckNodePort;
  if (!needsHealthCheck) {
    if (hc) {
      errs.push(FieldError.invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (!hc) {
    if (!opts.beforeAllocation) errs.push(FieldError.required('spec.healthCheckNodePort'));
  } else {
    errs.push(...isValidPortNum(hc).map((m) => FieldError.invalid('spec.healthCheckNodePort', hc, m)));
  }
  if (spec.internalTrafficPolicy === undefined) {
    if (spec.type !== 'ExternalName') errs.push(FieldError.required('spec.internalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy)) {
    errs.push(FieldError.notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
  return errs;
}

export function validateService(svc: Service, opts: ServiceValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, true, isDNS1035Label);
  const spec = svc.spec ?? {};
  const ports = spec.ports ?? [];
  const headless = isHeadless(svc);

  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(FieldError.required('spec.ports'));
  switch (spec.type) {
    case 'LoadBalancer':
      if (headless) errs.push(FieldError.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"));
      ports.forEach((p, i) => {
        if (p.port === KUBELET_PORT) {
          errs.push(FieldError.invalid(`spec.ports[${i}]`, p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
        }
      });
      break;
    case 'NodePort':
      if (headless) errs.push(FieldError.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (spec.clusterIPs?.length || spec.clusterIP) errs.push(FieldError.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (spec.ipFamilies?.length) errs.push(FieldError.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined) errs.push(FieldError.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      // A trailing dot marks the CNAME as fully qualified.
      const cname = (spec.externalName ?? '').replace(/\.$/, '');
      if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => FieldError.invalid('spec.externalName', cname, m)));
      else errs.push(FieldError.required('spec.externalName'));
      break;
    }
  }

  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));

  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));

  if (!spec.sessionAffinity) errs.push(FieldError.required('spec.sessionAffinity'));
  else if (!SESSION_AFFINITIES.includes(spec.sessionAffinity)) errs.push(FieldError.notSupported('spec.sessionAffinity', spec.sessionAffinity, SESSION_AFFINITIES));
  if (spec.sessionAffinity === 'ClientIP') {
    const when = 'when session affinity type is ClientIP';
    const cfg = spec.sessionAffinityConfig;
    if (!cfg) errs.push(FieldError.required('spec.sessionAffinityConfig', when));
    else if (!cfg.clientIP) errs.push(FieldError.required('spec.sessionAffinityConfig.clientIP', when));
    else if (cfg.clientIP.timeoutSeconds === undefined) errs.push(FieldError.required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', when));
    else {
      const t = cfg.clientIP.timeoutSeconds;
      if (!(t > 0 && t <= MAX_CLIENT_IP_AFFINITY_SECONDS)) {
        errs.push(FieldError.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`));
      }
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(FieldError.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }

  errs.push(...validateClusterIPs(svc));

  (spec.externalIPs ?? []).forEach((ip, i) => {
    const path = `spec.externalIPs[${i}]`;
    const bad = isValidIP(ip);
    errs.push(...(bad.length ? bad : isNonSpecialIP(ip)).map((m) => FieldError.invalid(path, ip, m)));
  });

  if (!spec.type) errs.push(FieldError.required('spec.type'));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(FieldError.notSupported('spec.type', spec.type, SERVICE_TYPES));

  const usesNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  ports.forEach((p, i) => {
    if (p.nodePort === undefined || p.nodePort === 0 || usesNodePorts) return;
    // Kubernetes forbids node ports on ClusterIP; ExternalName is covered the same way here.
    errs.push(FieldError.forbidden(`spec.ports[${i}].nodePort`, `may not be used when \`type\` is '${spec.type}'`));
  });
  if (usesNodePorts) {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(...isValidPortNum(p.nodePort).map((m) => FieldError.invalid(`spec.ports[${i}].nodePort`, p.nodePort, m)));
    });
  }

  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(FieldError.duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol}/${p.port}`;
    if (portKeys.has(key)) errs.push(FieldError.duplicate(`spec.ports[${i}]`, servicePortKey(p)));
    portKeys.add(key);
  });

  if (spec.loadBalancerSourceRanges?.length) {
    // Kubernetes' own path here has a capital L, kept for byte-identical messages.
    const path = 'spec.LoadBalancerSourceRanges';
    if (spec.type !== 'LoadBalancer') errs.push(FieldError.forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
    spec.loadBalancerSourceRanges.forEach((r, i) => {
      const v = r.trim();
      errs.push(...isValidCIDR(v).map((m) => FieldError.invalid(`${path}[${i}]`, v, m)));
    });
  }
  if (spec.loadBalancerIP) {
    if (spec.type !== 'LoadBalancer') errs.push(FieldError.forbidden('spec.loadBalancerIP', "may only be used when `type` is 'LoadBalancer'"));
    errs.push(...isValidIP(spec.loadBalancerIP).map((m) => FieldError.invalid('spec.loadBalancerIP', spec.loadBalancerIP, m)));
  }
  if (spec.loadBalancerClass !== undefined) {
    if (spec.type !== 'LoadBalancer') errs.push(FieldError.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
    else errs.push(...isQualifiedName(spec.loadBalancerClass).map((m) => FieldError.invalid('spec.loadBalancerClass', spec.loadBalancerClass, m)));
  }

  errs.push(...validateTrafficPolicies(svc, opts));

  if (spec.type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === undefined) errs.push(FieldError.required('spec.allocateLoadBalancerNodePorts'));
  } else if (spec.allocateLoadBalancerNodePorts !== undefined) {
    errs.push(FieldError.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

function clusterIPsChangeErrors(next: Service, old: Service): FieldError[] {
  if (next.spec.type === 'ExternalName' || old.spec?.type === 'ExternalName') return [];
  if (isHeadless(next) && isHeadless(old)) return [];
  const n = next.spec.clusterIPs ?? [];
  const o = old.spec?.clusterIPs ?? [];
  const errs: FieldError[] = [];
  const changed = (): FieldError => FieldError.invalid('spec.clusterIPs[0]', n, 'may not change once set');
  if (n.length === o.length) {
    o.forEach((ip, i) => {
      if (ip !== n[i]) errs.push(FieldError.invalid(`spec.clusterIPs[${i}]`, n, 'may not change once set'));
    });
  } else if (o.length > n.length) {
    if (n.length === 0) errs.push(FieldError.invalid('spec.clusterIPs[0]', n, 'primary clusterIP can not be unset'));
    else if (n[0] !== o[0]) errs.push(changed());
    if (n.length === 1 && next.spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(FieldError.invalid('spec.ipFamilyPolicy', next.spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (o.length > 0 && n[0] !== o[0]) {
    errs.push(changed());
  }
  return errs;
}

function ipFamiliesChangeErrors(next: Service, old: Service): FieldError[] {
  if (next.spec.type === 'ExternalName' || old.spec?.type === 'ExternalName') return [];
  if (isHeadless(next) || isHeadless(old)) return [];
  const n = next.spec.ipFamilies ?? [];
  const o = old.spec?.ipFamilies ?? [];
  if (o.length && n.length && n[0] !== o[0]) return [FieldError.invalid('spec.ipFamilies[0]', n, 'may not change once set')];
  return [];
}

export function validateServiceUpdate(next: Service, old: Service, opts: ServiceValidationOptions = {}): FieldError[] {
  const normalized = normalizeClusterIPs(next, old);
  const errs = validateObjectMetaUpdate(normalized.metadata, old.metadata);
  errs.push(...clusterIPsChangeErrors(normalized, old));
  errs.push(...ipFamiliesChangeErrors(normalized, old));
  if (old.spec?.type === 'LoadBalancer' && normalized.spec.type === 'LoadBalancer' && old.spec.loadBalancerClass !== normalized.spec.loadBalancerClass) {
    errs.push(FieldError.invalid('spec.loadBalancerClass', normalized.spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  errs.push(...validateService(normalized, opts));
  return errs;
}
