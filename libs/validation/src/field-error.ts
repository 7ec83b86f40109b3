// One validation failure, as k8s.io/apimachinery's field.Error: a field path, a type,
// the offending value and a detail. toString() prints what kube-apiserver prints.
import { formatGoValue } from './go-value-format';

export type FieldErrorType = 'Invalid' | 'Required' | 'Duplicate' | 'NotFound' | 'NotSupported' | 'Forbidden' | 'TooLong' | 'TooMany';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  Duplicate: 'Duplicate value',
  NotFound: 'Not found',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
};

/** metav1.CauseType for each error type, used in Status details.causes. */
export const CAUSE_REASON: Record<FieldErrorType, string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  NotFound: 'FieldValueNotFound',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
};

// Types whose message never shows the value, as in Go.
const VALUE_HIDDEN = new Set<FieldErrorType>(['Required', 'Forbidden', 'TooLong']);

export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue?: unknown,
    readonly detail?: string,
  ) {}

  static invalid(field: string, value: unknown, detail: string): FieldError {
    return new FieldError('Invalid', field, value, detail);
  }
  static required(field: string, detail = ''): FieldError {
    return new FieldError('Required', field, '', detail);
  }
  static duplicate(field: string, value: unknown): FieldError {
    return new FieldError('Duplicate', field, value);
  }
  static notFound(field: string, value: unknown): FieldError {
    return new FieldError('NotFound', field, value);
  }
  static notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
    const detail = supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '';
    return new FieldError('NotSupported', field, value, detail);
  }
  static forbidden(field: string, detail: string): FieldError {
    return new FieldError('Forbidden', field, '', detail);
  }
  static tooLong(field: string, maxBytes: number): FieldError {
    return new FieldError('TooLong', field, '', `may not be more than ${maxBytes} bytes`);
  }
  static tooMany(field: string, actual: number, max: number): FieldError {
    return new FieldError('TooMany', field, actual, `must have at most ${max} items`);
  }

  /** The message without the field path (Go's ErrorBody), used as a Status cause message. */
  body(): string {
    let s = TYPE_TEXT[this.type];
    if (!VALUE_HIDDEN.has(this.type)) s += `: ${formatGoValue(this.badValue)}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}
