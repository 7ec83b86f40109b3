// conntrack(8) in the caller's network namespace. "0 flow entries have been deleted" (exit 1)
// is the common, harmless case; a missing binary is reported, not thrown.
import { tryRun } from './run';

export interface ConntrackResult {
  ok: boolean;
  deleted: number;
  stderr: string;
}

export async function runConntrack(args: string[]): Promise<ConntrackResult> {
  const r = await tryRun('conntrack', args);
  const m = /(\d+) flow entries have been deleted/.exec(r.stderr);
  return { ok: r.code === 0 || m !== null, deleted: m ? Number(m[1]) : 0, stderr: r.stderr.trim() };
}
