// The flags every app uses to reach the apiserver, and the client they build.
import { ApiClient } from './grpc-client';

export const API_CLIENT_FLAGS = {
  apiserver: { default: '127.0.0.1:6444', help: 'host:port of the apiserver gRPC endpoint' },
  insecure: { boolean: true, default: 'false', help: 'talk to the apiserver without TLS (loopback/tests only)' },
  'tls-ca-file': { help: 'CA of the apiserver certificate (PEM)' },
  'tls-cert-file': { help: 'client certificate (PEM)' },
  'tls-private-key-file': { help: 'client key (PEM)' },
} as const;

export function clientFromFlags(f: Record<string, string | undefined>): ApiClient {
  return new ApiClient({
    address: f.apiserver ?? '127.0.0.1:6444',
    insecure: f.insecure === 'true',
    caFile: f['tls-ca-file'],
    certFile: f['tls-cert-file'],
    keyFile: f['tls-private-key-file'],
  });
}
