#!/usr/bin/env node
// svcnet cluster DNS: flags -> informers -> server. See README.md.
import { readFileSync } from 'node:fs';
import { createLogger, parseFlags, announceReady, onShutdown, runMain } from '@svcnet/observability';
import { API_CLIENT_FLAGS } from '@svcnet/api-client';
import { startDnsApp } from './app';
import { createClusterInformers } from './api';
import { InformerSource } from './informers';
import { parseUpstream, resolvConfNameservers } from './forwarder';
import type { Upstream } from './forwarder';
import { parseListen } from './server';

export const FLAGS = {
  ...API_CLIENT_FLAGS,
  apiserver: { default: API_CLIENT_FLAGS.apiserver.default, help: 'host:port of the apiserver gRPC endpoint; empty serves an empty cluster (forwarding only)' },
  listen: { default: '0.0.0.0:53', help: 'UDP and TCP address to serve DNS on' },
  zone: { default: 'cluster.local', help: 'cluster domain we are authoritative for' },
  ttl: { default: '5', help: 'TTL of cluster records, seconds' },
  pods: { default: 'insecure', help: 'pod records <a-b-c-d>.<ns>.pod.<zone>: insecure (any address, as the spec requires), verified (only IPs of pods in that namespace), disabled' },
  upstream: { default: '', help: 'comma-separated upstream servers (host[:port]); default: nameservers of /etc/resolv.conf' },
  'resolv-conf': { default: '/etc/resolv.conf', help: 'resolv.conf to take upstreams from when --upstream is empty' },
  'health-port': { default: '8081', help: 'port of /healthz, /readyz and /metrics (on --health-host)' },
  'health-host': { default: '127.0.0.1', help: 'address of the health server' },
  'cache-size': { default: '10000', help: 'forward cache entries' },
  'answer-cache-size': { default: '20000', help: 'encoded cluster answers kept for the fast path; 0 disables' },
};

export function upstreamsFrom(flag: string, resolvConf: string): Upstream[] {
  if (flag.trim()) return flag.split(',').filter((s) => s.trim()).map(parseUpstream);
  try {
    return resolvConfNameservers(readFileSync(resolvConf, 'utf8'));
  } catch {
    // no readable resolv.conf: no upstreams; main reports that names outside the zone get SERVFAIL
    return [];
  }
}

async function main(): Promise<void> {
  const f = parseFlags(FLAGS);
  const log = createLogger('dns');
  const ttl = Number(f.ttl);
  if (!Number.isInteger(ttl) || ttl < 0) throw new Error(`--ttl must be a non-negative integer, got "${f.ttl}"`);
  const pods = f.pods;
  if (pods !== 'insecure' && pods !== 'verified' && pods !== 'disabled') throw new Error(`--pods must be insecure, verified or disabled, got "${pods}"`);
  const upstreams = upstreamsFrom(f.upstream, f['resolv-conf']);
  if (upstreams.length === 0) log.warn('no upstream servers: names outside the zone get SERVFAIL');
  let source: InformerSource | undefined;
  let close = () => {};
  if (f.apiserver) {
    const { client, informers } = createClusterInformers(f, log);
    source = new InformerSource(informers, log);
    close = () => client.close();
  } else {
    log.warn('no --apiserver: serving an empty cluster');
  }
  const app = await startDnsApp({
    listen: parseListen(f.listen),
    zone: f.zone,
    ttl,
    pods,
    upstreams,
    healthPort: Number(f['health-port']),
    healthHost: f['health-host'],
    cacheSize: Number(f['cache-size']),
    answerCacheSize: Number(f['answer-cache-size']),
    source,
    log,
  });
  // The harness convention: one JSON line on stdout once serving, with the bound ports.
  announceReady({ component: 'dns', dnsPort: app.port, healthPort: app.healthPort });
  // Serve (forwarding, NXDOMAIN for the zone) while informers sync; /readyz tells when synced.
  source?.start().catch((e) => log.error('informers failed to start', { err: e as Error }));
  // Last line of defence, like CoreDNS recovering a panicking request: one bad packet or
  // socket event must not take cluster DNS down. Logged loudly so the bug gets fixed.
  process.on('uncaughtException', (err) => log.error('uncaught exception (continuing)', { err, stack: err.stack }));
  process.on('unhandledRejection', (err) => log.error('unhandled rejection (continuing)', { err: err as Error }));
  onShutdown(log, async () => {
    await app.stop();
    close();
  });
}

if (require.main === module) runMain('dns', main);
