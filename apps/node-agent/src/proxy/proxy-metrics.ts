// The proxy's metrics, named after kube-proxy's where one exists.
import type { Counter, Gauge, Histogram, Registry } from '@svcnet/observability';

const SYNC_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class ProxyMetrics {
  // kubeproxy_sync_proxy_rules_duration_seconds
  readonly syncDuration: Histogram;
  // kubeproxy_network_programming_duration_seconds: object change -> rules in the kernel
  readonly programmingLatency: Histogram;
  readonly rules: Gauge;
  readonly syncFailures: Counter;
  readonly transactionOps: Counter;
  readonly lastSync: Gauge;
  readonly conntrackDeleted: Counter;

  constructor(registry: Registry) {
    this.syncDuration = registry.histogram('proxy_sync_rules_duration_seconds', 'Time of one proxy sync (render, diff, apply), by kind (full, incremental).', SYNC_BUCKETS);
    this.programmingLatency = registry.histogram('proxy_network_programming_duration_seconds', 'From a Service or EndpointSlice change to its rules being in the kernel.', SYNC_BUCKETS);
    this.rules = registry.gauge('proxy_nftables_objects', 'Objects in the svcnet nftables table after the last sync, by type (chains, rules, elements).');
    this.syncFailures = registry.counter('proxy_sync_failures_total', 'Failed proxy syncs, by kind.');
    this.transactionOps = registry.counter('proxy_transaction_operations_total', 'nftables operations applied, by kind of sync.');
    this.lastSync = registry.gauge('proxy_last_sync_timestamp_seconds', 'Unix time of the last successful sync.');
    this.conntrackDeleted = registry.counter('proxy_conntrack_entries_deleted_total', 'Stale UDP conntrack entries deleted.');
  }
}
