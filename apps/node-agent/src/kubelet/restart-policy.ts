// Whether and when an exited container is started again: restartPolicy plus kubelet's
// crash-loop backoff (10s doubling to 5 minutes, reset after 10 minutes of running fine).

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export function shouldRestart(policy: RestartPolicy | undefined, exitCode: number): boolean {
  switch (policy ?? 'Always') {
    case 'Always':
      return true;
    case 'OnFailure':
      return exitCode !== 0;
    case 'Never':
      return false;
  }
}

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  /** a container that ran this long before exiting starts over at the initial backoff */
  resetAfterMs: number;
}

export const KUBELET_BACKOFF: BackoffSettings = { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 };

/** the delay before the next start, given the previous delay and how long the container ran */
export function nextBackoff(prevMs: number | undefined, ranForMs: number, s: BackoffSettings): number {
  if (prevMs === undefined || ranForMs >= s.resetAfterMs) return s.initialMs;
  return Math.min(s.maxMs, prevMs * 2);
}
