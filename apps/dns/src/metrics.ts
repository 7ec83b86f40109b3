// Prometheus metrics of the DNS server, CoreDNS-like names.
import { Registry } from '@svcnet/observability';
import type { Counter, Gauge, Histogram } from '@svcnet/observability';

export class DnsMetrics {
  readonly queries: Counter;
  readonly duration: Histogram;
  readonly cache: Counter;
  readonly upstream: Counter;
  readonly malformed: Counter;
  readonly objects: Gauge;

  constructor(readonly registry: Registry = new Registry()) {
    this.queries = registry.counter('dns_queries_total', 'DNS queries answered, by protocol, query type and response code.');
    this.duration = registry.histogram('dns_query_duration_seconds', 'Time to answer a query, by source (cluster, forward, cache, error).', [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
    this.cache = registry.counter('dns_cache_requests_total', 'Forward cache lookups, by result (hit, miss).');
    this.upstream = registry.counter('dns_upstream_responses_total', 'Upstream exchanges, by upstream and result (rcode, timeout, error).');
    this.malformed = registry.counter('dns_malformed_queries_total', 'Packets that did not parse, by protocol.');
    this.objects = registry.gauge('dns_cluster_objects', 'Objects in the cluster index, by kind.');
  }
}
