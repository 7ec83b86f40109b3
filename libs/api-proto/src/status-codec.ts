// ApiError <-> gRPC status. The metav1.Status JSON rides in the `svcnet-status` trailer so
// field causes and reasons survive; the gRPC code follows the reason.
import * as grpc from '@grpc/grpc-js';
import { ApiError, type StatusReason } from '@svcnet/api-types';

const CODE_OF: Record<StatusReason, grpc.status> = {
  BadRequest: grpc.status.INVALID_ARGUMENT,
  Invalid: grpc.status.INVALID_ARGUMENT,
  NotFound: grpc.status.NOT_FOUND,
  AlreadyExists: grpc.status.ALREADY_EXISTS,
  Conflict: grpc.status.ABORTED,
  Gone: grpc.status.OUT_OF_RANGE,
  Forbidden: grpc.status.PERMISSION_DENIED,
  Unauthorized: grpc.status.UNAUTHENTICATED,
  MethodNotAllowed: grpc.status.UNIMPLEMENTED,
  RequestEntityTooLarge: grpc.status.RESOURCE_EXHAUSTED,
  InternalError: grpc.status.INTERNAL,
  ServiceUnavailable: grpc.status.UNAVAILABLE,
  Timeout: grpc.status.DEADLINE_EXCEEDED,
};

export const STATUS_TRAILER = 'svcnet-status';

export function toGrpcError(err: unknown): Partial<grpc.StatusObject> {
  const e = err instanceof ApiError ? err : new ApiError('InternalError', err instanceof Error ? err.message : String(err));
  const metadata = new grpc.Metadata();
  metadata.set(STATUS_TRAILER, JSON.stringify(e.toStatus()));
  return { code: CODE_OF[e.reason], details: e.message, metadata };
}

export function fromGrpcError(err: grpc.ServiceError): ApiError {
  const raw = err.metadata?.get(STATUS_TRAILER)?.[0];
  if (raw) {
    try {
      return ApiError.fromStatus(JSON.parse(raw.toString()));
    } catch {
      /* fall through */
    }
  }
  const reason: StatusReason = err.code === grpc.status.UNAVAILABLE ? 'ServiceUnavailable' : err.code === grpc.status.DEADLINE_EXCEEDED ? 'Timeout' : 'InternalError';
  return new ApiError(reason, err.details || err.message);
}
