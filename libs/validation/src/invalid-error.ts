// Turns field errors into the 422 Invalid status kube-apiserver returns.
import { ApiError } from '@svcnet/api-types';
import { CAUSE_REASON, type FieldError } from './field-error';

export function invalidError(kind: string, name: string, errors: readonly FieldError[], group = ''): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  // Like Go's utilerrors aggregate: identical messages are reported once.
  const messages = [...new Set(errors.map((e) => e.toString()))];
  let message = `${qualifiedKind} ${JSON.stringify(name)} is invalid`;
  if (messages.length === 1) message += `: ${messages[0]}`;
  else if (messages.length > 1) message += `: [${messages.join(', ')}]`;
  return new ApiError('Invalid', message, {
    name,
    group,
    kind,
    causes: errors.map((e) => ({ reason: CAUSE_REASON[e.type], message: e.body(), field: e.field })),
  });
}
