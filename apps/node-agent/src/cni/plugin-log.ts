// Structured JSON-lines log for the plugin. stdout belongs to the CNI protocol, so logs go to
// the configured file only, and a log failure never fails the plugin.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type PluginLog = (level: 'info' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export function fileLog(file: string | undefined, base: Record<string, unknown>): PluginLog {
  if (!file) return () => undefined;
  return (level, msg, fields = {}) => {
    try {
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, JSON.stringify({ ts: new Date().toISOString(), level, msg, pid: process.pid, ...base, ...fields }) + '\n');
    } catch {
      /* logging is best effort */
    }
  };
}
