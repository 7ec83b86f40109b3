#!/usr/bin/env node
// svcnet cluster DNS: flags -> informers -> server. See README.md.
import { readFileSync } from 'node:fs';
import { createLogger, parseFlags } from '@svcnet/observability';
import { startDnsApp } from './app';
import { createClusterInformers } from './api';
import { InformerSource } from './informers';
import { parseUpstream, resolvConfNameservers } from './forwarder';
import type { Upstream } from './forwarder';
import { parseListen } from './server';

export const FLAGS = {
  apiserver: { default: '127.0.0.1:6443', help: 'apiserver gRPC address (host:port); empty serves an empty cluster (forwarding only)' },
  listen: { default: '0.0.0.0:53', help: 'UDP and TCP address to serve DNS on' },
  zone: { default: 'cluster.local', help: 'cluster domain we are authoritative for' },
  ttl: { default: '5', help: 'TTL of cluster records, seconds' },
  upstream: { default: '', help: 'comma-separated upstream servers (host[:port]); default: nameservers of /etc/resolv.conf' },
  'resolv-conf': { default: '/etc/resolv.conf', help: 'resolv.conf to take upstreams from when --upstream is empty' },
  'health-port': { default: '8081', help: 'port of /healthz, /readyz and /metrics (on --health-host)' },
  'health-host': { default: '127.0.0.1', help: 'address of the health server' },
  'cache-size': { default: '10000', help: 'forward cache entries' },
  insecure: { boolean: true, default: 'false', help: 'plaintext gRPC to the apiserver' },
  'tls-ca': { default: '', help: 'CA bundle for the apiserver' },
  'tls-cert': { default: '', help: 'client certificate' },
  'tls-key': { default: '', help: 'client key' },
};

export function upstreamsFrom(flag: string, resolvConf: string): Upstream[] {
  if (flag.trim()) return flag.split(',').filter((s) => s.trim()).map(parseUpstream);
  try {
    return resolvConfNameservers(readFileSync(resolvConf, 'utf8'));
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const f = parseFlags(FLAGS);
  const log = createLogger('dns');
  const ttl = Number(f.ttl);
  if (!Number.isInteger(ttl) || ttl < 0) throw new Error(`--ttl must be a non-negative integer, got "${f.ttl}"`);
  const upstreams = upstreamsFrom(f.upstream, f['resolv-conf']);
  if (upstreams.length === 0) log.warn('no upstream servers: names outside the zone get SERVFAIL');
  let source: InformerSource | undefined;
  if (f.apiserver) {
    source = new InformerSource(
      createClusterInformers({ apiserver: f.apiserver, insecure: f.insecure === 'true', tlsCA: f['tls-ca'] || undefined, tlsCert: f['tls-cert'] || undefined, tlsKey: f['tls-key'] || undefined }),
      log,
    );
  } else {
    log.warn('no --apiserver: serving an empty cluster');
  }
  const app = await startDnsApp({
    listen: parseListen(f.listen),
    zone: f.zone,
    ttl,
    upstreams,
    healthPort: Number(f['health-port']),
    healthHost: f['health-host'],
    cacheSize: Number(f['cache-size']),
    source,
    log,
  });
  // Serve (forwarding, NXDOMAIN for the zone) while informers sync; /readyz tells when synced.
  source?.start().catch((e) => log.error('informers failed to start', { err: e as Error }));
  const shutdown = (sig: string) => {
    log.info('shutting down', { signal: sig });
    app.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((e) => {
    createLogger('dns').error('fatal', { err: e as Error });
    process.exit(1);
  });
}
