// Errors from CRI calls. The kubelet shows `details` (containerd's own message, e.g.
// "failed to pull and unpack image ...") to users, so it is kept verbatim.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

export class CriError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: number,
    readonly details: string,
  ) {
    super(`CRI ${rpc}: ${details || GrpcStatus[code] || `gRPC status ${code}`}`);
    this.name = 'CriError';
  }

  get codeName(): string {
    return GrpcStatus[this.code] ?? String(this.code);
  }
}

export function toCriError(rpc: string, err: Partial<ServiceError> & Error): CriError {
  const code = typeof err.code === 'number' ? err.code : GrpcStatus.UNKNOWN;
  const details = typeof err.details === 'string' && err.details ? err.details : err.message;
  return new CriError(rpc, code, details);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof CriError && err.code === GrpcStatus.NOT_FOUND;
}

export { GrpcStatus };
