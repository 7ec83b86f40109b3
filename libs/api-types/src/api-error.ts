// Errors in the shape of metav1.Status, shared by the store, the apiserver and clients.

export type StatusReason =
  | 'BadRequest'
  | 'Invalid'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Forbidden'
  | 'Unauthorized'
  | 'MethodNotAllowed'
  | 'RequestEntityTooLarge'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  reason?: string; // FieldValueInvalid, FieldValueRequired, ...
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

const HTTP_CODE: Record<StatusReason, number> = {
  BadRequest: 400,
  Invalid: 422,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Forbidden: 403,
  Unauthorized: 401,
  MethodNotAllowed: 405,
  RequestEntityTooLarge: 413,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
};

export class ApiError extends Error {
  readonly code: number;
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = HTTP_CODE[reason];
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }

  static fromStatus(s: { reason?: string; message?: string; details?: StatusDetails }): ApiError {
    const reason = (s.reason && s.reason in HTTP_CODE ? s.reason : 'InternalError') as StatusReason;
    return new ApiError(reason, s.message ?? reason, s.details);
  }
}

export function notFound(resource: string, name: string, group = ''): ApiError {
  const gr = group ? `${resource}.${group}` : resource;
  return new ApiError('NotFound', `${gr} "${name}" not found`, { name, group, kind: resource });
}

export function alreadyExists(resource: string, name: string, group = ''): ApiError {
  const gr = group ? `${resource}.${group}` : resource;
  return new ApiError('AlreadyExists', `${gr} "${name}" already exists`, { name, group, kind: resource });
}

export function conflict(resource: string, name: string, group = ''): ApiError {
  const gr = group ? `${resource}.${group}` : resource;
  return new ApiError(
    'Conflict',
    `Operation cannot be fulfilled on ${gr} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );
}

export function gone(rv: string, oldest: string): ApiError {
  return new ApiError('Gone', `too old resource version: ${rv} (${oldest})`);
}

export function isApiError(e: unknown, reason?: StatusReason): e is ApiError {
  return e instanceof ApiError && (reason === undefined || e.reason === reason);
}
