// The CRI container log format containerd writes (one line per write: "<RFC3339Nano> <stdout|stderr>
// <P|F> <text>", P for a partial line continued by the next record), and what `kubectl logs`
// shows of it: the text, optionally prefixed by its timestamp. Pure.

export interface LogRecord {
  time: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  text: string;
}

export function parseLogLine(line: string): LogRecord | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  // parseCRILog: timestamp, stream and tag are each followed by a space, or the line is refused
  if (a < 0 || b < 0 || c < 0) return undefined;
  const time = line.slice(0, a);
  if (Number.isNaN(Date.parse(time))) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = line.slice(b + 1, c);
  return { time, stream, partial: tag.split(':')[0] === 'P', text: line.slice(c + 1) };
}

/** a timestamp as the kubelet writes it in front of a line: Go's RFC3339Nano, which drops
 *  trailing zeros of the fraction (containerd writes all nine digits) */
export function formatLogTimestamp(time: string): string {
  return time.replace(/\.(\d*?)0+(?=Z|[+-]\d\d:\d\d$)/, (_m, digits: string) => (digits ? `.${digits}` : ''));
}

export interface LogOptions {
  timestamps?: boolean;
  /** only records at or after this time (ms epoch) */
  sinceMs?: number;
}

/** renders complete records of a CRI log text as kubectl shows them */
export function renderLog(text: string, o: LogOptions = {}): string {
  let out = '';
  let lineStart = true;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const r = parseLogLine(line);
    if (!r) continue;
    // a record before since is not written, but still decides whether the next starts a line
    if (o.sinceMs === undefined || Date.parse(r.time) >= o.sinceMs) {
      if (o.timestamps && lineStart) out += `${formatLogTimestamp(r.time)} `;
      out += r.text + (r.partial ? '' : '\n');
    }
    lineStart = !r.partial || r.text === '';
  }
  return out;
}
