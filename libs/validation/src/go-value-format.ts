// Renders a bad value the way Go's field.Error prints it (%q for strings, %v for numbers,
// %#v for slices and maps), so messages match kube-apiserver byte for byte.

/** A value whose Go %#v text is already known, e.g. a struct literal. */
export class GoLiteral {
  constructor(readonly text: string) {}
}

export function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function formatGoValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return `[]string{${value.map(goQuote).join(', ')}}`;
    if (value.every((v) => typeof v === 'number')) return `[]int32{${value.join(', ')}}`;
    return `[]interface {}{${value.map(formatGoValue).join(', ')}}`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.every(([, v]) => typeof v === 'string')) {
      return `map[string]string{${entries.map(([k, v]) => `${goQuote(k)}:${goQuote(v as string)}`).join(', ')}}`;
    }
    return `map[string]interface {}{${entries.map(([k, v]) => `${goQuote(k)}:${formatGoValue(v)}`).join(', ')}}`;
  }
  return String(value);
}
