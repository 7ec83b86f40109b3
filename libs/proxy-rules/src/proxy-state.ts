// The input of renderRuleset: what the node-agent's informer caches hold, plus node facts.
import type { EndpointSlice, Service } from '@svcnet/api-types';

export interface ProxyState {
  services: Service[];
  endpointSlices: EndpointSlice[];
  // This node: its name (matched against endpoint nodeName) and its IPs.
  nodeName: string;
  nodeIPs: string[];
  // Pod CIDR(s) of the whole cluster (e.g. 10.244.0.0/16). Traffic from outside these to a
  // ClusterIP is masqueraded; traffic from pods keeps its source IP.
  clusterCIDRs: string[];
  // Table name; "svcnet" unless tests run several.
  tableName?: string;
}

export const DEFAULT_TABLE = 'svcnet';
// Masquerade bit in the packet mark, as kube-proxy uses.
export const MASQUERADE_MARK = 0x4000;
export const SERVICE_PROXY_NAME_LABEL = 'service.kubernetes.io/service-proxy-name';
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;
