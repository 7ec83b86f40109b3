// Kubernetes' resource.Quantity ("100m", "200Mi", "1.5", "1e3"): parsing with the apiserver's
// error messages, the value in base units (cores for cpu, bytes for memory), and the canonical
// text Kubernetes stores ("1000m" -> "1", "2048Mi" -> "2Gi"). Exact to the nano unit, as Go's
// inf.Dec-backed Quantity is for everything a pod spec carries.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** the value in base units: cores for cpu, bytes for memory and storage */
  value: number;
  /** the exact value in units of 1e-9, rounded up (Kubernetes' smallest scale is nano) */
  nanos: bigint;
  format: QuantityFormat;
}

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${SPLIT_RE}'`;
const NUMERIC_ERROR = 'unable to parse numeric part of quantity';
const SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityParseError extends Error {}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const NANO = 10n ** 9n;

function suffixOf(suffix: string): { format: QuantityFormat; exp10: number; exp2: number } {
  if (suffix in DECIMAL_SUFFIXES) return { format: 'DecimalSI', exp10: DECIMAL_SUFFIXES[suffix], exp2: 0 };
  if (suffix in BINARY_SUFFIXES) return { format: 'BinarySI', exp10: 0, exp2: BINARY_SUFFIXES[suffix] };
  if (/^[eE][-+]?[0-9]+$/.test(suffix)) return { format: 'DecimalExponent', exp10: Number(suffix.slice(1)), exp2: 0 };
  throw new QuantityParseError(SUFFIX_ERROR);
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? (a + b - 1n) / b : -(-a / b));

/** Parses a quantity as Kubernetes does; throws QuantityParseError with Kubernetes' message. */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? String(input) : input;
  const m = new RegExp(SPLIT_RE).exec(text);
  if (!text || !m) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  let num = m[1];
  const { format, exp10, exp2 } = suffixOf(m[2]);
  let negative = false;
  if (num[0] === '+' || num[0] === '-') {
    negative = num[0] === '-';
    num = num.slice(1);
  }
  const parts = num.split('.');
  if (parts.length > 2 || !/^[0-9]*$/.test(parts[0]) || (parts[1] !== undefined && !/^[0-9]*$/.test(parts[1])) || num === '.') {
    throw new QuantityParseError(NUMERIC_ERROR);
  }
  const frac = parts[1] ?? '';
  const digits = BigInt((parts[0] || '0') + frac) * 2n ** BigInt(exp2);
  const scale = 9 + exp10 - frac.length;
  let nanos = scale >= 0 ? digits * 10n ** BigInt(scale) : ceilDiv(digits, 10n ** BigInt(-scale));
  if (negative) nanos = -nanos;
  return { value: Number(nanos) / 1e9, nanos, format };
}

/** Like Quantity.Value(): whole base units, rounded up (memory bytes). */
export function quantityValue(q: Quantity | string): number {
  const x = typeof q === 'string' ? parseQuantity(q) : q;
  return Number(ceilDiv(x.nanos, NANO));
}

/** Like Quantity.MilliValue(): thousandths, rounded up (millicores for cgroup cpu shares). */
export function quantityMilliValue(q: Quantity | string): number {
  const x = typeof q === 'string' ? parseQuantity(q) : q;
  return Number(ceilDiv(x.nanos, 10n ** 6n));
}

/** -1, 0 or 1, as Quantity.Cmp. */
export function compareQuantities(a: Quantity | string, b: Quantity | string): number {
  const x = typeof a === 'string' ? parseQuantity(a).nanos : a.nanos;
  const y = typeof b === 'string' ? parseQuantity(b).nanos : b.nanos;
  return x < y ? -1 : x > y ? 1 : 0;
}

function formatDecimal(nanos: bigint, exponentForm: boolean): string {
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  let n = nanos < 0n ? -nanos : nanos;
  // The largest power of 1000 that keeps the mantissa an integer.
  let exp = -9;
  while (exp < 18 && n % 1000n === 0n) {
    n /= 1000n;
    exp += 3;
  }
  if (exponentForm) return `${sign}${n}${exp === 0 ? '' : `e${exp}`}`;
  const suffix = Object.entries(DECIMAL_SUFFIXES).find(([, e]) => e === exp)![0];
  return `${sign}${n}${suffix}`;
}

/** The text Kubernetes stores for a quantity: "1000m" -> "1", "0.5" -> "500m", "2048Mi" -> "2Gi", "1.5Ki" -> "1536". */
export function canonicalQuantity(input: Quantity | string | number): string {
  const q = typeof input === 'object' ? input : parseQuantity(input);
  if (q.format === 'BinarySI') {
    const whole = q.nanos % NANO === 0n;
    const v = q.nanos / NANO;
    // Small or fractional binary values print in decimal, as Go's CanonicalizeBytes does.
    if (whole && (v >= 1024n || v <= -1024n)) {
      let n = v < 0n ? -v : v;
      let exp = 0;
      while (exp < 60 && n % 1024n === 0n) {
        n /= 1024n;
        exp += 10;
      }
      const suffix = Object.entries(BINARY_SUFFIXES).find(([, e]) => e === exp)?.[0] ?? '';
      return `${v < 0n ? '-' : ''}${n}${suffix}`;
    }
    return formatDecimal(q.nanos, false);
  }
  return formatDecimal(q.nanos, q.format === 'DecimalExponent');
}
