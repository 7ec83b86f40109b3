// Test support: the in-memory nftables (applies transactions, keeps rule text for the packet
// tracer). Import it as `@svcnet/nftables/testing`; product code never does.
export { FakeNftables } from '../fake';
