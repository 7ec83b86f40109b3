// The start and stop every app shares: one JSON ready line on stdout (scripts, tests and the
// local-mode supervisor wait for it), a clean stop on SIGTERM/SIGINT, and a fatal error logged
// as JSON with a non-zero exit.
import { createLogger, type Logger } from './logger';

export function announceReady(fields: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ready: true, ...fields }) + '\n');
}

/** The ready line announceReady wrote, if it is in this stdout text (partial lines are skipped). */
export function findReadyLine(stdout: string): Record<string, unknown> | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line) as Record<string, unknown>;
      if (j.ready) return j;
    } catch {
      /* partial line */
    }
  }
  return undefined;
}

/** Runs stop once on the first SIGTERM or SIGINT, then exits 0. */
export function onShutdown(log: Logger, stop: () => Promise<void> | void): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    Promise.resolve()
      .then(stop)
      .catch((err) => log.error('shutdown failed', { err: err instanceof Error ? err.stack : String(err) }))
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => handle('SIGTERM'));
  process.once('SIGINT', () => handle('SIGINT'));
}

/** Runs an app's main; a rejected start is logged as a fatal JSON line and exits 1. */
export function runMain(component: string, main: () => Promise<void>): void {
  main().catch((err) => {
    createLogger(component).error('fatal', { err: err instanceof Error ? err.stack : String(err) });
    process.exit(1);
  });
}
