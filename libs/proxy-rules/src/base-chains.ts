// The fixed part of the table, declared as data. See README.md for why each chain hooks
// where it does.
import {
  PRIORITY,
  cidr,
  hex,
  ref,
  rule,
  setRef,
  type ChainSpec,
  type RuleText,
  type SetSpec,
} from '@svcnet/nftables';
import { MASQUERADE_MARK } from './proxy-state';

export const CHAIN = {
  filterInput: 'filter-input',
  filterForward: 'filter-forward',
  filterOutput: 'filter-output',
  serviceEndpointsCheck: 'service-endpoints-check',
  nodeportEndpointsCheck: 'nodeport-endpoints-check',
  reject: 'reject-chain',
  natPrerouting: 'nat-prerouting',
  natOutput: 'nat-output',
  natPostrouting: 'nat-postrouting',
  services: 'services',
  masquerading: 'masquerading',
  markForMasquerade: 'mark-for-masquerade',
  filterPrerouting: 'filter-prerouting',
  filterOutputPreDnat: 'filter-output-pre-dnat',
  firewallCheck: 'firewall-check',
} as const;

export const SET = {
  clusterCIDRs: 'cluster-cidrs',
  serviceIPs: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
  firewallIPs: 'firewall-ips',
} as const;

const IP_PROTO_PORT = 'ipv4_addr . inet_proto . inet_service';
const PROTO_PORT = 'inet_proto . inet_service';

export const BASE_SETS: SetSpec[] = [
  { name: SET.clusterCIDRs, kind: 'set', type: 'ipv4_addr', flags: ['interval'] },
  { name: SET.serviceIPs, kind: 'map', type: IP_PROTO_PORT, valueType: 'verdict' },
  { name: SET.serviceNodePorts, kind: 'map', type: PROTO_PORT, valueType: 'verdict' },
  { name: SET.noEndpointServices, kind: 'map', type: IP_PROTO_PORT, valueType: 'verdict' },
  { name: SET.noEndpointNodePorts, kind: 'map', type: PROTO_PORT, valueType: 'verdict' },
  { name: SET.firewallIPs, kind: 'map', type: IP_PROTO_PORT, valueType: 'verdict' },
];

const FILTER_PRIORITY = PRIORITY.filter - 10;
// Before DNAT: the firewall must see the LB ingress IP, not the endpoint.
const PRE_DNAT_PRIORITY = PRIORITY.dstnat - 10;
const mark = hex(MASQUERADE_MARK);
const loopback = cidr('127.0.0.0/8');

export interface BaseChainDecl {
  spec: ChainSpec;
  rules: RuleText[];
}

export const BASE_CHAINS: BaseChainDecl[] = [
  // Rejects for services without endpoints. These packets were not DNATed (the service is in
  // no-endpoint-services, not service-ips), so input/forward/output still see the service IP.
  {
    spec: { name: CHAIN.filterInput, base: { type: 'filter', hook: 'input', priority: FILTER_PRIORITY, policy: 'accept' } },
    rules: [
      rule`ct state new jump ${ref(CHAIN.serviceEndpointsCheck)}`,
      rule`ct state new jump ${ref(CHAIN.nodeportEndpointsCheck)}`,
    ],
  },
  {
    spec: { name: CHAIN.filterForward, base: { type: 'filter', hook: 'forward', priority: FILTER_PRIORITY, policy: 'accept' } },
    rules: [rule`ct state new jump ${ref(CHAIN.serviceEndpointsCheck)}`],
  },
  {
    spec: { name: CHAIN.filterOutput, base: { type: 'filter', hook: 'output', priority: FILTER_PRIORITY, policy: 'accept' } },
    rules: [
      rule`ct state new jump ${ref(CHAIN.serviceEndpointsCheck)}`,
      rule`ct state new jump ${ref(CHAIN.nodeportEndpointsCheck)}`,
    ],
  },
  {
    spec: { name: CHAIN.serviceEndpointsCheck },
    rules: [rule`ip daddr . meta l4proto . th dport vmap ${setRef(SET.noEndpointServices)}`],
  },
  {
    spec: { name: CHAIN.nodeportEndpointsCheck },
    rules: [rule`fib daddr type local ip daddr != ${loopback} meta l4proto . th dport vmap ${setRef(SET.noEndpointNodePorts)}`],
  },
  // loadBalancerSourceRanges: new connections to an LB ingress IP from outside the ranges are
  // dropped, before DNAT rewrites the address (as cloud LBs that preserve the client IP do).
  {
    spec: { name: CHAIN.filterPrerouting, base: { type: 'filter', hook: 'prerouting', priority: PRE_DNAT_PRIORITY, policy: 'accept' } },
    rules: [rule`ct state new jump ${ref(CHAIN.firewallCheck)}`],
  },
  {
    spec: { name: CHAIN.filterOutputPreDnat, base: { type: 'filter', hook: 'output', priority: PRE_DNAT_PRIORITY, policy: 'accept' } },
    rules: [rule`ct state new jump ${ref(CHAIN.firewallCheck)}`],
  },
  {
    spec: { name: CHAIN.firewallCheck },
    rules: [rule`ip daddr . meta l4proto . th dport vmap ${setRef(SET.firewallIPs)}`],
  },
  // TCP gets a reset (the client sees "connection refused" at once); others ICMP port-unreachable.
  {
    spec: { name: CHAIN.reject },
    rules: [rule`meta l4proto tcp reject with tcp reset`, rule`reject`],
  },
  // DNAT happens at dstnat in prerouting (traffic arriving at the node, from pods or outside)
  // and output (traffic the node itself originates).
  {
    spec: { name: CHAIN.natPrerouting, base: { type: 'nat', hook: 'prerouting', priority: PRIORITY.dstnat, policy: 'accept' } },
    rules: [rule`jump ${ref(CHAIN.services)}`],
  },
  {
    spec: { name: CHAIN.natOutput, base: { type: 'nat', hook: 'output', priority: PRIORITY.dstnat, policy: 'accept' } },
    rules: [rule`jump ${ref(CHAIN.services)}`],
  },
  // SNAT at srcnat in postrouting, only for packets an earlier chain marked.
  {
    spec: { name: CHAIN.natPostrouting, base: { type: 'nat', hook: 'postrouting', priority: PRIORITY.srcnat, policy: 'accept' } },
    rules: [rule`jump ${ref(CHAIN.masquerading)}`],
  },
  // One map lookup per new connection, whatever the number of services.
  {
    spec: { name: CHAIN.services },
    rules: [
      rule`ip daddr . meta l4proto . th dport vmap ${setRef(SET.serviceIPs)}`,
      rule`fib daddr type local ip daddr != ${loopback} meta l4proto . th dport vmap ${setRef(SET.serviceNodePorts)}`,
    ],
  },
  {
    spec: { name: CHAIN.masquerading },
    rules: [
      rule`meta mark & ${mark} == 0 return`,
      // Clear the bit so it does not leak into a later hop (e.g. a pod that forwards).
      rule`meta mark set meta mark ^ ${mark}`,
      rule`masquerade fully-random`,
    ],
  },
  {
    spec: { name: CHAIN.markForMasquerade },
    rules: [rule`meta mark set meta mark | ${mark}`],
  },
];
