// Test support: Service / EndpointSlice builders and a sample ProxyState. Import it as
// `@svcnet/proxy-rules/testing`; product code never does.
export * from './fixtures';
