// Endpoint strings as kubelet's --container-runtime-endpoint takes them: "unix:///run/x.sock"
// or a plain absolute path. grpc-js wants the "unix:" scheme.
export function grpcTarget(endpoint: string): string {
  if (endpoint.startsWith('unix://')) {
    const p = endpoint.slice('unix://'.length);
    if (!p.startsWith('/')) throw new Error(`CRI endpoint must be an absolute unix socket path: ${endpoint}`);
    return `unix://${p}`;
  }
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  throw new Error(`unsupported CRI endpoint ${JSON.stringify(endpoint)} (want unix:///path or /path)`);
}

// The socket path an endpoint names, e.g. for waiting until the file appears.
export function socketPath(endpoint: string): string {
  return grpcTarget(endpoint).slice('unix://'.length);
}
