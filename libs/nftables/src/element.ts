// element() builds a set/map element from validated Tokens.
import type { Element } from './model';
import { Token } from './values';

export function element(key: Token, value?: Token, timeoutSeconds?: number): Element {
  if (!(key instanceof Token) || (value !== undefined && !(value instanceof Token))) {
    throw new Error('element: key and value must be Tokens');
  }
  if (timeoutSeconds !== undefined && (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)) {
    throw new Error(`element: invalid timeout ${timeoutSeconds}`);
  }
  const e: Element = { key: key.text };
  if (value) e.value = value.text;
  if (timeoutSeconds !== undefined) e.timeoutSeconds = timeoutSeconds;
  return e;
}
