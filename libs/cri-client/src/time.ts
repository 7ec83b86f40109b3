// CRI timestamps are int64 nanoseconds since the epoch, delivered as decimal strings.
export function nanosToDate(ns: string): Date {
  if (!/^-?\d+$/.test(ns)) throw new Error(`not an int64 nanosecond timestamp: ${JSON.stringify(ns)}`);
  return new Date(Number(BigInt(ns) / 1_000_000n));
}

// "0" (or empty) means "not set" for started_at/finished_at.
export function nanosToDateOrUndefined(ns: string | undefined): Date | undefined {
  if (!ns || ns === '0') return undefined;
  return nanosToDate(ns);
}
