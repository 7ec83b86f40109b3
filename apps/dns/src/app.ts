// Composition: handler + forwarder + sockets + health/metrics, from options. main.ts
// fills the options from flags; tests pass a static ClusterView instead of informers.
import { startHealthServer } from '@svcnet/observability';
import type { HealthServer, Logger } from '@svcnet/observability';
import type { ClusterView } from '@svcnet/dns-records';
import { ClusterIndex } from '@svcnet/dns-records';
import { DnsCache } from './cache';
import { Forwarder } from './forwarder';
import type { Upstream } from './forwarder';
import { QueryHandler } from './handler';
import { DnsMetrics } from './metrics';
import { DnsServer } from './server';
import type { ListenAddress } from './server';
import type { InformerSource } from './informers';

export interface DnsAppOptions {
  listen: ListenAddress;
  zone: string;
  ttl: number;
  /** pod records: insecure (spec default), verified, disabled */
  pods?: 'insecure' | 'verified' | 'disabled';
  upstreams: Upstream[];
  /** undefined: no health server; 0: any free port */
  healthPort?: number;
  healthHost?: string;
  /** a fixed view (tests, benchmarks) ... */
  view?: ClusterView;
  /** ... or live informers */
  source?: InformerSource;
  forwardDeadlineMs?: number;
  cacheSize?: number;
  /** encoded cluster answers for the fast path (default 20000; 0 disables) */
  answerCacheSize?: number;
  log?: Logger;
}

export interface DnsApp {
  port: number;
  healthPort?: number;
  metrics: DnsMetrics;
  forwarder: Forwarder;
  stop(): Promise<void>;
}

export async function startDnsApp(o: DnsAppOptions): Promise<DnsApp> {
  const metrics = new DnsMetrics();
  const serverLabel = (port: number) => `dns://${o.listen.host === '0.0.0.0' || o.listen.host === '::' ? '' : o.listen.host}:${port}`;
  metrics.server = serverLabel(o.listen.port);
  const forwarder = new Forwarder({
    upstreams: o.upstreams,
    cache: new DnsCache({ maxEntries: o.cacheSize ?? 10_000 }),
    deadlineMs: o.forwardDeadlineMs ?? 1800,
    onCache: (hit) => metrics.cache.inc({ result: hit ? 'hit' : 'miss' }),
    onUpstream: (u, r) => metrics.upstream.inc({ upstream: `${u.host}:${u.port}`, result: String(r) }),
  });
  const view: ClusterView = o.view ?? o.source?.index ?? new ClusterIndex();
  const serialBase = Math.floor(Date.now() / 1000);
  const index = view instanceof ClusterIndex ? view : undefined;
  const handler = new QueryHandler({
    view: () => view,
    // SOA serial moves with every change of the index, as zone serials should.
    config: () => ({ zone: o.zone, ttl: o.ttl, pods: o.pods ?? 'insecure', serial: (serialBase + (index?.generation ?? 0)) >>> 0 }),
    forwarder,
    metrics,
    log: o.log,
    answerCacheSize: o.answerCacheSize,
  });
  const server = new DnsServer(handler, o.log);
  const port = await server.start(o.listen);
  metrics.server = serverLabel(port);
  let health: HealthServer | undefined;
  if (o.healthPort !== undefined) {
    health = await startHealthServer({
      host: o.healthHost ?? '127.0.0.1',
      port: o.healthPort,
      registry: metrics.registry,
      notReadyReason: () => o.source?.notReadyReason(),
    });
  }
  const gauges = () => {
    if (!index) return;
    const s = index.stats();
    metrics.objects.set(s.services, { kind: 'services' });
    metrics.objects.set(s.endpointSlices, { kind: 'endpointslices' });
    metrics.objects.set(s.pods, { kind: 'pods' });
  };
  gauges();
  const timer = setInterval(gauges, 5000);
  timer.unref();
  o.log?.info('dns serving', { listen: `${o.listen.host}:${port}`, zone: o.zone, upstreams: o.upstreams.map((u) => `${u.host}:${u.port}`), health: health?.port });
  return {
    port,
    healthPort: health?.port,
    metrics,
    forwarder,
    stop: async () => {
      clearInterval(timer);
      o.source?.stop();
      await server.stop();
      await health?.close();
    },
  };
}
