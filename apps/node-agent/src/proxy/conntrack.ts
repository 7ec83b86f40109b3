// Runs conntrack(8) in the agent's netns (the node's). "0 flow entries have been deleted"
// (exit 1) is the common, harmless case.
import { spawn } from 'node:child_process';

export function runConntrack(args: string[]): Promise<{ ok: boolean; deleted: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('conntrack', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => resolve({ ok: false, deleted: 0, stderr: String(e) }));
    child.on('close', (code) => {
      const m = /(\d+) flow entries have been deleted/.exec(stderr);
      const deleted = m ? Number(m[1]) : 0;
      resolve({ ok: code === 0 || m !== null, deleted, stderr: stderr.trim() });
    });
  });
}
