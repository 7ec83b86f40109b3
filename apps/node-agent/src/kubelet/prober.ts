// Probes of one running container (pkg/kubelet/prober): startup first, then readiness and
// liveness on their own periods. Reports readiness flips and liveness/startup failures;
// the pod worker decides what to do (restart the container).
import type { Container } from '@svcnet/api-types';
import { ProbeTracker, probeSettings, type ProbeKind } from './probe-tracker';
import { runProbe, type ProbeTarget } from './probe-runner';

const TICK_MS = 100;

export interface ProberEvents {
  /** readiness changed, or a probe failed (for the Unhealthy event) */
  onResult(kind: ProbeKind, success: boolean, flipped: boolean, message: string): void;
  /** liveness or startup failed past its threshold: the container must be restarted */
  onFailure(kind: 'liveness' | 'startup', message: string): void;
}

export class ContainerProber {
  private readonly trackers: Partial<Record<ProbeKind, ProbeTracker>> = {};
  private readonly running = new Set<ProbeKind>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly container: Container,
    private readonly target: ProbeTarget,
    startedAtMs: number,
    private readonly events: ProberEvents,
  ) {
    const specs: [ProbeKind, Container['readinessProbe']][] = [
      ['startup', container.startupProbe],
      ['readiness', container.readinessProbe],
      ['liveness', container.livenessProbe],
    ];
    for (const [kind, p] of specs) if (p) this.trackers[kind] = new ProbeTracker(kind, probeSettings(p, kind), startedAtMs);
    if (Object.keys(this.trackers).length) this.schedule();
  }

  /** ready: no readiness probe, or it succeeded; and started (startup probe passed) */
  get ready(): boolean {
    return this.started && (this.trackers.readiness ? this.trackers.readiness.isHealthy : true);
  }

  get started(): boolean {
    return this.trackers.startup ? this.trackers.startup.isHealthy : true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    const now = Date.now();
    for (const kind of ['startup', 'readiness', 'liveness'] as const) {
      const t = this.trackers[kind];
      if (!t || this.running.has(kind) || !t.isDue(now)) continue;
      // readiness and liveness wait for the startup probe; a passed startup probe stops
      if (kind !== 'startup' && !this.started) continue;
      if (kind === 'startup' && t.isHealthy) continue;
      const probe = kind === 'startup' ? this.container.startupProbe! : kind === 'readiness' ? this.container.readinessProbe! : this.container.livenessProbe!;
      this.running.add(kind);
      void runProbe(probe, this.target, t.settings.timeoutMs).then((r) => {
        this.running.delete(kind);
        if (this.stopped) return;
        const flipped = t.record(r.success, Date.now(), r.message);
        this.events.onResult(kind, r.success, flipped, r.message);
        const failed = kind === 'liveness' ? flipped && !t.isHealthy : kind === 'startup' && t.failures >= t.settings.failureThreshold;
        if (!r.success && failed) this.events.onFailure(kind as 'liveness' | 'startup', r.message);
      });
    }
    this.schedule();
  }
}
