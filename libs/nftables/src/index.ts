export * from './model';
export * from './names';
export { isIPv4, ipv4, cidr, port, num, hex, proto, ref, setRef, seconds, gotoChain, jumpChain, concat, ACCEPT, DROP, RETURN, PROTOCOLS } from './values';
export type { Token, L4Protocol } from './values';
export { rule, mapEntry } from './rule-text';
export type { RuleText } from './rule-text';
export * from './element';
export * from './transaction';
export * from './render';
export * from './reader';
export * from './nftables';
export * from './executor';
// Deprecated here: import FakeNftables from '@svcnet/nftables/testing'. Kept until libs/network-policy has moved.
export * from './fake';
export { ipv4Range, portRange } from './ranges';
export * from './tracer';
