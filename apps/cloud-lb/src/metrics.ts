// Prometheus metrics of the LB: pool use and allocation failures from the controller, and
// per-LB backend health, connections and rejections from the data path's snapshot, refreshed
// at every scrape (the data path may live in another process).
import { Registry } from '@svcnet/observability';
import type { Controller } from './controller';
import type { DataplaneHandle } from './dataplane-handle';

export class LbMetrics extends Registry {
  private poolSize = this.gauge('cloud_lb_pool_addresses', 'addresses in the LB pool');
  private allocated = this.gauge('cloud_lb_pool_allocated', 'pool addresses allocated to Services');
  private failures = this.gauge('cloud_lb_allocation_failures', 'Services currently without an IP (requested IP taken or outside the pool, pool exhausted)');
  private failuresTotal = this.counter('cloud_lb_allocation_failures_total', 'failed allocation attempts');
  private healthy = this.gauge('cloud_lb_backend_healthy', 'node passes the health check of the LB (1), fails (0), not checked yet (-1)');
  private active = this.gauge('cloud_lb_backend_active_connections', 'open proxied TCP connections and UDP flows per LB and node');
  private listening = this.gauge('cloud_lb_listener_up', 'LB IP:port is listening');
  private counters = new Map<string, ReturnType<Registry['counter']>>();
  private seen = new Map<string, number>();
  private lastFailures = 0;

  constructor(private readonly controller: () => Controller | undefined, private readonly dataplane: () => DataplaneHandle | undefined) {
    super();
    for (const [name, help] of [
      ['cloud_lb_connections_total', 'proxied TCP connections and UDP flows, by LB port and node'],
      ['cloud_lb_backend_connect_failures_total', 'connections a node did not accept (the next node was tried)'],
      ['cloud_lb_rejected_total', 'connections refused: source outside loadBalancerSourceRanges, or no healthy node'],
    ] as const) {
      this.counters.set(name, this.counter(name, help));
    }
  }

  override render(): string {
    const c = this.controller();
    if (c) {
      this.poolSize.set(c.allocator.pool.size);
      this.allocated.set(c.allocator.allocated);
      this.failures.set(c.problems.size);
      this.failuresTotal.inc({}, c.allocationFailures - this.lastFailures);
      this.lastFailures = c.allocationFailures;
    }
    const snap = this.dataplane()?.snapshot();
    if (snap) {
      this.healthy.reset();
      this.active.reset();
      this.listening.reset();
      for (const lb of snap.lbs) {
        for (const b of lb.backends) {
          const l = { service: lb.service, ip: lb.ip, node: b.node };
          this.healthy.set(b.healthy === null ? -1 : b.healthy ? 1 : 0, l);
          this.active.set(b.activeConnections, l);
        }
        for (const p of lb.ports) this.listening.set(p.listening ? 1 : 0, { service: lb.service, ip: lb.ip, port: String(p.port), protocol: p.protocol });
      }
      // The data path's counters are totals; feed our counters the difference.
      for (const s of snap.counters) {
        const k = s.name + JSON.stringify(s.labels);
        const before = this.seen.get(k) ?? 0;
        if (s.value > before) this.counters.get(s.name)?.inc(s.labels, s.value - before);
        this.seen.set(k, s.value);
      }
    }
    return super.render();
  }
}
