// The NetworkPolicy enforcer's metrics.
import type { Counter, Gauge, Histogram, Registry } from '@svcnet/observability';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class NetpolMetrics {
  readonly syncDuration: Histogram;
  /** from a Pod/Namespace/NetworkPolicy change reaching the agent to its rules being in the kernel */
  readonly programmingLatency: Histogram;
  readonly syncFailures: Counter;
  readonly transactionOps: Counter;
  readonly groups: Gauge;

  constructor(registry: Registry) {
    this.syncDuration = registry.histogram('netpol_sync_duration_seconds', 'Time of one NetworkPolicy sync (compile, render, diff, apply), by kind.', BUCKETS);
    this.programmingLatency = registry.histogram('netpol_programming_duration_seconds', 'From a Pod, Namespace or NetworkPolicy change to the rules being in the kernel.', BUCKETS);
    this.syncFailures = registry.counter('netpol_sync_failures_total', 'Failed NetworkPolicy syncs, by kind.');
    this.transactionOps = registry.counter('netpol_transaction_operations_total', 'nftables operations applied by NetworkPolicy syncs, by kind.');
    this.groups = registry.gauge('netpol_groups', 'Distinct rule combinations (chains) after the last sync, by direction.');
  }
}
