// Test support: an in-memory cluster behind the ResourceClient contract. Import it as
// `@svcnet/api-client/testing`; product code never does.
export * from './fake-cluster';
