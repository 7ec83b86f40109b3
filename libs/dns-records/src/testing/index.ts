// Test support: Service/EndpointSlice/Pod builders and a sample cluster. Import it as
// `@svcnet/dns-records/testing`; product code never does.
export * from './fixtures';
