// Probe scheduling and threshold logic, free of I/O: when is the next probe due, and what does a
// result do to the container's ready / alive state (successThreshold, failureThreshold).
import type { Probe } from '@svcnet/api-types';

export interface ProbeSettings {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** Kubernetes defaults: period 10s, timeout 1s, success 1, failure 3, no initial delay */
export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export function probeSettings(p: Probe, kind: ProbeKind): ProbeSettings {
  // liveness and startup probes must have successThreshold 1
  const successThreshold = kind === 'readiness' ? Math.max(1, p.successThreshold ?? 1) : 1;
  return {
    initialDelayMs: Math.max(0, p.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, p.timeoutSeconds ?? 1) * 1000,
    successThreshold,
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
  };
}

export class ProbeTracker {
  private consecutiveSuccess = 0;
  private consecutiveFailure = 0;
  private lastRunAt?: number;
  /** readiness and startup start false (not proven yet); liveness starts true */
  private healthy: boolean;
  lastMessage = '';

  constructor(
    readonly kind: ProbeKind,
    readonly settings: ProbeSettings,
    private readonly containerStartedAt: number,
  ) {
    this.healthy = kind === 'liveness';
  }

  /** when the next probe should run (ms epoch) */
  nextDueAt(): number {
    if (this.lastRunAt === undefined) return this.containerStartedAt + this.settings.initialDelayMs;
    return this.lastRunAt + this.settings.periodMs;
  }

  isDue(now: number): boolean {
    return now >= this.nextDueAt();
  }

  /** record one result; returns true when the healthy state flipped */
  record(success: boolean, now: number, message = ''): boolean {
    this.lastRunAt = now;
    this.lastMessage = message;
    const before = this.healthy;
    if (success) {
      this.consecutiveSuccess++;
      this.consecutiveFailure = 0;
      if (this.consecutiveSuccess >= this.settings.successThreshold) this.healthy = true;
    } else {
      this.consecutiveFailure++;
      this.consecutiveSuccess = 0;
      if (this.consecutiveFailure >= this.settings.failureThreshold) this.healthy = false;
    }
    return before !== this.healthy;
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  get failures(): number {
    return this.consecutiveFailure;
  }
}

/** resolve a probe's port (number or a named container port) */
export function resolveProbePort(port: number | string, containerPorts: { name?: string; containerPort: number }[] = []): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return containerPorts.find((p) => p.name === port)?.containerPort;
}
