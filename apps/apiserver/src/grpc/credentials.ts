// gRPC server credentials: mutual TLS when certificates are configured, plaintext only
// when --insecure asks for it (meant for loopback and tests).
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';

export interface TlsFlags {
  insecure: boolean;
  certFile?: string;
  keyFile?: string;
  clientCaFile?: string;
}

export function serverCredentials(f: TlsFlags): grpc.ServerCredentials {
  if (f.insecure) return grpc.ServerCredentials.createInsecure();
  if (!f.certFile || !f.keyFile || !f.clientCaFile) {
    throw new Error('TLS needs --tls-cert-file, --tls-private-key-file and --client-ca-file (or --insecure for plaintext)');
  }
  return grpc.ServerCredentials.createSsl(
    fs.readFileSync(f.clientCaFile),
    [{ cert_chain: fs.readFileSync(f.certFile), private_key: fs.readFileSync(f.keyFile) }],
    true, // require and verify client certificates
  );
}
