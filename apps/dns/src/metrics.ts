// Prometheus metrics of the DNS server with CoreDNS's names, labels and buckets, so the
// upstream CoreDNS dashboards and alerts work unchanged:
//   coredns_dns_requests_total{server,zone,view,proto,family,type}
//   coredns_dns_responses_total{server,zone,view,rcode,plugin}
//   coredns_dns_request_duration_seconds{server,zone,view,type}  (buckets 0.25 ms * 2^k)
// The hot path only bumps plain numbers in a QuerySlot (one per proto/family/type/rcode/
// plugin combination, held by the answer-cache entry itself); the three series are
// summed from the slots when scraped or read.
import { Registry } from '@svcnet/observability';
import type { Counter, Gauge, Histogram } from '@svcnet/observability';

/** CoreDNS plugin.TimeBuckets: prometheus.ExponentialBuckets(0.00025, 2, 16) */
export const DURATION_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

export class QuerySlot {
  count = 0;
  sum = 0;
  /** non-cumulative counts per bucket; the last one is above the largest bucket */
  readonly buckets = new Float64Array(DURATION_BUCKETS.length + 1);
  constructor(readonly proto: string, readonly family: string, readonly type: string, readonly rcode: string, readonly plugin: string) {}

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]) i++;
    this.buckets[i]++;
  }
}

type Labels = Record<string, string>;

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
function labelText(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${esc(labels[k])}"`)
    .join(',');
}
function matches(labels: Labels, want: Labels): boolean {
  for (const k of Object.keys(want)) if (labels[k] !== want[k]) return false;
  return true;
}

export class DnsMetrics {
  /** the CoreDNS "server" label, e.g. dns://:53 */
  server = 'dns://:53';
  readonly zone = '.';
  private slots = new Map<string, QuerySlot>();
  readonly requests: Counter;
  readonly responses: Counter;
  readonly duration: Histogram;
  readonly cache: Counter;
  readonly upstream: Counter;
  readonly malformed: Counter;
  readonly objects: Gauge;

  constructor(readonly registry: Registry = new Registry()) {
    this.requests = registry.counter('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.');
    this.responses = registry.counter('coredns_dns_responses_total', 'Counter of response status codes.');
    this.duration = registry.histogram('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took.', DURATION_BUCKETS);
    this.cache = registry.counter('dns_cache_requests_total', 'Forward cache lookups, by result (hit, miss).');
    this.upstream = registry.counter('dns_upstream_responses_total', 'Upstream exchanges, by upstream and result (rcode, timeout, error).');
    this.malformed = registry.counter('dns_malformed_queries_total', 'Packets that did not parse, by protocol.');
    this.objects = registry.gauge('dns_cluster_objects', 'Objects in the cluster index, by kind.');
    // The three query series are views over the slots (rendered and read from them).
    this.derive(this.requests, 'counter', (s) => ({ proto: s.proto, family: s.family, type: s.type }));
    this.derive(this.responses, 'counter', (s) => ({ rcode: s.rcode, plugin: s.plugin }));
    this.deriveHistogram(this.duration, (s) => ({ type: s.type }));
  }

  /**
   * Queries answered whose slot matches every given label (proto, family, type, rcode,
   * plugin): for tests and callers; not a metric of its own.
   */
  readonly queries = {
    get: (want: Partial<Record<'proto' | 'family' | 'type' | 'rcode' | 'plugin', string>> = {}): number => {
      let n = 0;
      for (const s of this.slots.values()) if (matches(s as unknown as Labels, want as Labels)) n += s.count;
      return n;
    },
  };

  /** The slot for one combination; the answer cache keeps it so a hit looks nothing up. */
  slot(proto: string, family: string, type: string, rcode: string, plugin: string): QuerySlot {
    const k = `${proto} ${family} ${type} ${rcode} ${plugin}`;
    let s = this.slots.get(k);
    if (!s) this.slots.set(k, (s = new QuerySlot(proto, family, type, rcode, plugin)));
    return s;
  }

  private common(): Labels {
    return { server: this.server, zone: this.zone, view: '' };
  }

  private derive(c: Counter, kind: string, pick: (s: QuerySlot) => Labels): void {
    const sums = () => {
      const m = new Map<string, { labels: Labels; v: number }>();
      for (const s of this.slots.values()) {
        if (s.count === 0) continue;
        const labels = { ...this.common(), ...pick(s) };
        const k = labelText(labels);
        const e = m.get(k);
        if (e) e.v += s.count;
        else m.set(k, { labels, v: s.count });
      }
      return m;
    };
    c.get = (want: Labels = {}) => {
      let n = 0;
      for (const { labels, v } of sums().values()) if (matches(labels, want)) n += v;
      return n;
    };
    c.render = () => {
      const lines = [`# HELP ${c.name} ${c.help}`, `# TYPE ${c.name} ${kind}`];
      for (const [k, { v }] of sums()) lines.push(`${c.name}{${k}} ${v}`);
      return lines.join('\n');
    };
  }

  private deriveHistogram(h: Histogram, pick: (s: QuerySlot) => Labels): void {
    h.render = () => {
      const m = new Map<string, { counts: number[]; sum: number; count: number }>();
      for (const s of this.slots.values()) {
        if (s.count === 0) continue;
        const k = labelText({ ...this.common(), ...pick(s) });
        let e = m.get(k);
        if (!e) m.set(k, (e = { counts: new Array(s.buckets.length).fill(0), sum: 0, count: 0 }));
        for (let i = 0; i < s.buckets.length; i++) e.counts[i] += s.buckets[i];
        e.sum += s.sum;
        e.count += s.count;
      }
      const lines = [`# HELP ${h.name} ${h.help}`, `# TYPE ${h.name} histogram`];
      for (const [k, e] of m) {
        let cum = 0;
        DURATION_BUCKETS.forEach((b, i) => {
          cum += e.counts[i];
          lines.push(`${h.name}_bucket{${k},le="${b}"} ${cum}`);
        });
        lines.push(`${h.name}_bucket{${k},le="+Inf"} ${e.count}`);
        lines.push(`${h.name}_sum{${k}} ${e.sum}`);
        lines.push(`${h.name}_count{${k}} ${e.count}`);
      }
      return lines.join('\n');
    };
  }
}
