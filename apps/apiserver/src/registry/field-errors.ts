// Allocation failures reported as field errors, worded exactly like Kubernetes.
import { ApiError } from '@svcnet/api-types';
import { FieldError, invalidError } from '@svcnet/validation';

export function fieldInvalidError(kind: string, name: string, field: string, value: unknown, detail: string): ApiError {
  return invalidError(kind, name, [FieldError.invalid(field, value, detail)]);
}
