// The IPv4 helpers moved to @svcnet/ipnet; re-exported here only until every importer names ipnet.
export { type Ipv4Cidr, cidrContains, formatCIDR, formatIPv4, parseCIDR, parseIPv4 } from '@svcnet/ipnet';
export * from './allocation-error';
export type { RandomSource } from './random-source';
export * from './ip-range-allocator';
export * from './port-range-allocator';
export * from './pod-cidr-allocator';
