// SetDefaults_NetworkPolicy (networking/v1): policyTypes from the rules present — Ingress
// always, Egress when egress rules exist — and TCP for ports without a protocol.
import type { NetworkPolicy } from '@svcnet/api-types';

export function defaultNetworkPolicy(np: NetworkPolicy): NetworkPolicy {
  const out = structuredClone(np);
  // podSelector is a struct, not a pointer, in Go: it is always present.
  out.spec ??= { podSelector: {} };
  out.spec.podSelector ??= {};
  if (!out.spec.policyTypes?.length) {
    out.spec.policyTypes = out.spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const r of [...(out.spec.ingress ?? []), ...(out.spec.egress ?? [])]) for (const p of r.ports ?? []) p.protocol ??= 'TCP';
  return out;
}
