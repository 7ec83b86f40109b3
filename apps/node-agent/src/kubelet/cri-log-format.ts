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
  if (a < 0 || b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  return { time: line.slice(0, a), stream, partial: tag.split(':')[0] === 'P', text: c < 0 ? '' : line.slice(c + 1) };
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
    if (o.sinceMs !== undefined && Date.parse(r.time) < o.sinceMs) continue;
    if (o.timestamps && lineStart) out += `${r.time} `;
    out += r.text + (r.partial ? '' : '\n');
    lineStart = !r.partial;
  }
  return out;
}
