// Names of the per-service objects. User-controlled parts (namespace, name, port name) only
// reach nft through derivedName: prefix + hash + sanitised readable tail.
import { derivedName } from '@svcnet/nftables';
import type { EndpointInfo } from './endpoints';
import type { ServicePortInfo } from './service-ports';

function parts(sp: ServicePortInfo): string[] {
  return [sp.namespace, sp.serviceName, sp.protocol, sp.portName];
}

// Internal traffic (ClusterIP): masquerade check + endpoint choice per internalTrafficPolicy.
export const serviceChain = (sp: ServicePortInfo) => derivedName('service', parts(sp));
// All endpoints, when the service chain is restricted to local ones (internalTrafficPolicy Local).
export const clusterChain = (sp: ServicePortInfo) => derivedName('cluster', parts(sp));
// Local endpoints only, for externalTrafficPolicy Local.
export const localChain = (sp: ServicePortInfo) => derivedName('local', parts(sp));
// NodePort / external IP / LB ingress traffic: masquerade decision, then one of the above.
export const externalChain = (sp: ServicePortInfo) => derivedName('external', parts(sp));

// loadBalancerSourceRanges check for the LB ingress IPs.
export const firewallChain = (sp: ServicePortInfo) => derivedName('firewall', parts(sp));

export const endpointChain = (sp: ServicePortInfo, ep: EndpointInfo) =>
  derivedName('endpoint', [...parts(sp), `_${ep.ip}/${ep.port}`]);

// The timeout is part of the hash: changing it yields a new set instead of an in-place change
// the kernel cannot do.
export const affinitySet = (sp: ServicePortInfo, ep: EndpointInfo, timeout: number) =>
  derivedName('affinity', [...parts(sp), `_${ep.ip}/${ep.port}`, `t${timeout}`]);
