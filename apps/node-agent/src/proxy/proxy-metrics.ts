// The proxy's metrics under kube-proxy's names, labels and buckets (pkg/proxy/metrics in
// Kubernetes; nftables mode), so the upstream kube-proxy dashboards and alerts work unchanged.
// What kube-proxy has no metric for is named svcnet_proxy_*, never a made-up kubeproxy_* name.
import { exponentialBuckets, linearBuckets, type Counter, type Gauge, type Histogram, type Registry } from '@svcnet/observability';

type Labels = Record<string, string>;

/** svcnet is IPv4-only; kube-proxy labels most of its metrics with the family */
const IP_FAMILY = { ip_family: 'IPv4' };

/** kube-proxy: ExponentialBuckets(0.001, 2, 15) */
export const SYNC_BUCKETS = exponentialBuckets(0.001, 2, 15);

/** kube-proxy: 0.25 s, 0.5 s, 1..59 s, 60..115 s by 5, 2..5 min by 30 s */
export const PROGRAMMING_BUCKETS = [...linearBuckets(0.25, 0.25, 2), ...linearBuckets(1, 1, 59), ...linearBuckets(60, 5, 12), ...linearBuckets(120, 30, 7)];

/** The names above, as a list for tests and docs. */
export const KUBE_PROXY_METRIC_NAMES = [
  'kubeproxy_sync_proxy_rules_duration_seconds',
  'kubeproxy_sync_full_proxy_rules_duration_seconds',
  'kubeproxy_sync_partial_proxy_rules_duration_seconds',
  'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
  'kubeproxy_network_programming_duration_seconds',
  'kubeproxy_sync_proxy_rules_nftables_sync_failures_total',
  'kubeproxy_conntrack_reconciler_deleted_entries_total',
];

export class ProxyMetrics {
  /** one sync, by kind (full | incremental): kubeproxy_sync_proxy_rules_duration_seconds and the full/partial one */
  readonly syncDuration: { observe(seconds: number, labels: { kind: string }): void };
  /** kubeproxy_network_programming_duration_seconds: object change -> rules in the kernel */
  readonly programmingLatency: { observe(seconds: number): void };
  /** svcnet_proxy_nftables_objects{type}: kube-proxy's nftables mode has no object count */
  readonly rules: Gauge;
  /** kubeproxy_sync_proxy_rules_nftables_sync_failures_total{ip_family} (the sync kind is not a label upstream) */
  readonly syncFailures: { inc(labels?: Labels): void };
  /** svcnet_proxy_nftables_operations_total{kind} */
  readonly transactionOps: Counter;
  /** kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family} */
  readonly lastSync: { set(seconds: number): void };
  /** kubeproxy_conntrack_reconciler_deleted_entries_total{ip_family}: stale UDP flows deleted */
  readonly conntrackDeleted: { inc(labels: Labels, by: number): void };

  constructor(registry: Registry) {
    const all = registry.histogram('kubeproxy_sync_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds', SYNC_BUCKETS);
    const full = registry.histogram('kubeproxy_sync_full_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for full resyncs', SYNC_BUCKETS);
    const partial = registry.histogram('kubeproxy_sync_partial_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for partial resyncs', SYNC_BUCKETS);
    this.syncDuration = {
      observe: (seconds, { kind }) => {
        all.observe(seconds, IP_FAMILY);
        (kind === 'full' ? full : partial).observe(seconds, IP_FAMILY);
      },
    };
    const programming: Histogram = registry.histogram('kubeproxy_network_programming_duration_seconds', 'In Cluster Network Programming Latency in seconds', PROGRAMMING_BUCKETS);
    this.programmingLatency = { observe: (seconds) => programming.observe(seconds, IP_FAMILY) };
    const last = registry.gauge('kubeproxy_sync_proxy_rules_last_timestamp_seconds', 'The last time proxy rules were successfully synced');
    this.lastSync = { set: (seconds) => last.set(seconds, IP_FAMILY) };
    const failures = registry.counter('kubeproxy_sync_proxy_rules_nftables_sync_failures_total', 'Cumulative proxy nftables sync failures');
    this.syncFailures = { inc: () => failures.inc(IP_FAMILY) };
    const deleted = registry.counter('kubeproxy_conntrack_reconciler_deleted_entries_total', 'Cumulative conntrack flows deleted by conntrack reconciler');
    this.conntrackDeleted = { inc: (_labels, by) => deleted.inc(IP_FAMILY, by) };
    this.rules = registry.gauge('svcnet_proxy_nftables_objects', 'Objects in the svcnet nftables table after the last sync, by type (chains, rules, elements).');
    this.transactionOps = registry.counter('svcnet_proxy_nftables_operations_total', 'nftables operations applied, by kind of sync (full, incremental).');
  }
}
