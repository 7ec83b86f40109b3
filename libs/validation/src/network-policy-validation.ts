// ValidateNetworkPolicy[Update] (pkg/apis/networking/validation), with Kubernetes' field paths
// and wording.
import type { IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '@svcnet/api-types';
import { parseCIDR } from '@svcnet/ipnet';
import { FieldError } from './field-error';
import { isValidCIDR } from './ip-formats';
import { isDNS1123Subdomain, isValidPortName, isValidPortNum } from './name-formats';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta-validation';
import { validateSelector } from './workload-validation';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

export function validateNetworkPolicyPort(p: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(FieldError.notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
  if (p.port === undefined || p.port === null) {
    if (p.endPort !== undefined) errs.push(FieldError.invalid(`${path}.endPort`, p.endPort, 'may not be specified when `port` is not specified'));
  } else if (typeof p.port === 'number') {
    errs.push(...isValidPortNum(p.port).map((m) => FieldError.invalid(`${path}.port`, p.port, m)));
    if (p.endPort !== undefined) {
      // Kubernetes reports the port (not endPort) as the bad value here.
      if (p.endPort < p.port) errs.push(FieldError.invalid(`${path}.endPort`, p.port, 'must be greater than or equal to `port`'));
      errs.push(...isValidPortNum(p.endPort).map((m) => FieldError.invalid(`${path}.endPort`, p.endPort, m)));
    }
  } else {
    if (p.endPort !== undefined) errs.push(FieldError.invalid(`${path}.endPort`, p.endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...isValidPortName(p.port).map((m) => FieldError.invalid(`${path}.port`, p.port, m)));
  }
  return errs;
}

export function validateIPBlock(b: IPBlock, path: string): FieldError[] {
  if (!b.cidr) return [FieldError.required(`${path}.cidr`)];
  const errs = isValidCIDR(b.cidr).map((m) => FieldError.invalid(`${path}.cidr`, b.cidr, m));
  const outer = parseCIDR(b.cidr);
  if (!outer) return errs;
  (b.except ?? []).forEach((e, i) => {
    const ep = `${path}.except[${i}]`;
    const bad = isValidCIDR(e);
    errs.push(...bad.map((m) => FieldError.invalid(ep, e, m)));
    const inner = parseCIDR(e);
    if (!inner) return;
    if (inner.base < outer.base || inner.base >= outer.base + outer.size || outer.prefix >= inner.prefix) {
      errs.push(FieldError.invalid(ep, e, 'must be a strict subset of `cidr`'));
    }
  });
  return errs;
}

export function validateNetworkPolicyPeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector) {
    n++;
    errs.push(...validateSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    n++;
    errs.push(...validateSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    n++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (n === 0) errs.push(FieldError.required(path, 'must specify a peer'));
  else if (n > 1 && peer.ipBlock) errs.push(FieldError.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

export function validateNetworkPolicySpec(np: NetworkPolicy): FieldError[] {
  const spec = np.spec ?? { podSelector: {} };
  const errs = validateSelector(spec.podSelector ?? {}, 'spec.podSelector');
  (spec.ingress ?? []).forEach((r, i) => {
    (r.ports ?? []).forEach((p, j) => errs.push(...validateNetworkPolicyPort(p, `spec.ingress[${i}].ports[${j}]`)));
    (r.from ?? []).forEach((p, j) => errs.push(...validateNetworkPolicyPeer(p, `spec.ingress[${i}].from[${j}]`)));
  });
  (spec.egress ?? []).forEach((r, i) => {
    (r.ports ?? []).forEach((p, j) => errs.push(...validateNetworkPolicyPort(p, `spec.egress[${i}].ports[${j}]`)));
    (r.to ?? []).forEach((p, j) => errs.push(...validateNetworkPolicyPeer(p, `spec.egress[${i}].to[${j}]`)));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > POLICY_TYPES.length) {
    errs.push(FieldError.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) errs.push(FieldError.notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
  });
  return errs;
}

export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  return [...validateObjectMeta(np.metadata, true, isDNS1123Subdomain), ...validateNetworkPolicySpec(np)];
}

export function validateNetworkPolicyUpdate(next: NetworkPolicy, old: NetworkPolicy): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, old.metadata), ...validateNetworkPolicySpec(next)];
}
