// Test support: hermetic netns topologies and the programs that run in them. Import it as
// `@svcnet/netns/testing`; product code never does.
export * from './echo-server';
export * from './test-topology';
export * from './fake-node';
export * from './lb-topology';
