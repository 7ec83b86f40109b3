// Proxier: the proxy half of the node agent. Informer caches -> ProxyState -> one atomic nft
// transaction with only what differs.
// - full sync (start, every --proxy-sync-period, after a failure): read the kernel's table and
//   diff against it, repairing any drift; on a restart this keeps existing rules and
//   connections, since nothing is flushed;
// - incremental sync (after changes, at most every --proxy-min-sync-period): diff against what
//   the previous sync left in the kernel, without reading it back.
import type { EndpointSlice, KubeObject, Node, Service } from '@svcnet/api-types';
import type { Informer } from '@svcnet/api-client';
import type { Nftables } from '@svcnet/nftables';
import type { Logger } from '@svcnet/observability';
import { RenderCache, diff, expectedState, renderRuleset, type ProxyState, type Ruleset } from '@svcnet/proxy-rules';
import { ChangeTimes } from './change-times';
import { healthCheckTargets } from './health-check-targets';
import type { HealthCheckServers } from './health-check-servers';
import type { ProxyMetrics } from './proxy-metrics';
import { SyncRunner, type Clock, type SyncKind } from './sync-runner';
import { udpConntrackDeletions } from './udp-conntrack';

export interface ProxierOptions {
  nft: Nftables;
  nodeName: string;
  // Fallback node IPs when the Node object has no addresses yet.
  nodeIPs: string[];
  clusterCIDRs: string[];
  services: Informer<Service>;
  endpointSlices: Informer<EndpointSlice>;
  nodes?: Informer<Node>;
  log: Logger;
  metrics?: ProxyMetrics;
  healthChecks?: HealthCheckServers;
  conntrack?: (args: string[]) => Promise<{ ok: boolean; deleted: number; stderr: string }>;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  tableName?: string;
  clock?: Clock;
}

export interface SyncReport {
  kind: SyncKind;
  operations: number;
  durationMs: number;
}

export class Proxier {
  private readonly runner: SyncRunner;
  private readonly changes = new ChangeTimes();
  // Unchanged Services are replayed, not re-rendered (rendering is deterministic in its inputs).
  private readonly renderCache = new RenderCache();
  // What the kernel holds after our last successful sync (undefined: unknown, read it).
  private applied: Ruleset | undefined;
  // The last ruleset this process applied (kept across failures), for the UDP conntrack cleanup.
  private lastRendered: Ruleset | undefined;
  private synced = false;
  private listeners: ((r: SyncReport) => void)[] = [];

  constructor(private readonly o: ProxierOptions) {
    this.runner = new SyncRunner({
      minIntervalMs: o.minSyncPeriodMs,
      fullIntervalMs: o.syncPeriodMs,
      sync: (kind) => this.sync(kind),
      onError: (err, kind) => {
        o.metrics?.syncFailures.inc({ kind });
        o.log.error('proxy sync failed', { kind, err: err instanceof Error ? err.message : String(err) });
      },
      clock: o.clock,
    });
    const onChange = (obj?: KubeObject) => {
      this.changes.record(obj);
      this.runner.request();
    };
    for (const inf of [o.services, o.endpointSlices] as Informer<KubeObject>[]) {
      inf.on({ add: (x) => onChange(x), update: (_old, x) => onChange(x), delete: (x) => onChange(x) });
    }
    // Only this node's addresses matter; other nodes' heartbeats must not cause syncs.
    o.nodes?.on({
      add: (n) => n.metadata.name === o.nodeName && this.runner.request(),
      update: (a, b) => b.metadata.name === o.nodeName && JSON.stringify(a.status?.addresses) !== JSON.stringify(b.status?.addresses) && this.runner.request(),
    });
  }

  // Call once the informers have synced: a partial cache would delete live rules.
  start(): void {
    this.runner.start();
  }

  stop(): void {
    // The rules stay in the kernel: the next agent takes them over without a gap.
    this.runner.stop();
    this.o.healthChecks?.close();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  onSync(fn: (r: SyncReport) => void): void {
    this.listeners.push(fn);
  }

  state(): ProxyState {
    const node = this.o.nodes?.get(undefined, this.o.nodeName);
    const addrs = (node?.status?.addresses ?? []).filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address);
    return {
      services: this.o.services.list(),
      endpointSlices: this.o.endpointSlices.list(),
      nodeName: this.o.nodeName,
      nodeIPs: addrs.length > 0 ? addrs : this.o.nodeIPs,
      clusterCIDRs: this.o.clusterCIDRs,
      ...(this.o.tableName ? { tableName: this.o.tableName } : {}),
    };
  }

  private async sync(kind: SyncKind): Promise<void> {
    const start = Date.now();
    const timer = process.hrtime.bigint();
    const state = this.state();
    if (kind === 'full' || !this.applied) {
      kind = 'full';
      this.applied = undefined;
    }
    const desired = renderRuleset(state, this.renderCache);
    const current = kind === 'full' ? await this.o.nft.read(desired.family, desired.table) : expectedState(this.applied!);
    const tx = diff(current, desired);
    try {
      await this.o.nft.apply(tx);
    } catch (err) {
      // Unknown what the kernel has now (nothing of this tx, but maybe drifted): read it next time.
      this.applied = undefined;
      throw err;
    }
    const previous = this.lastRendered;
    this.applied = desired;
    this.lastRendered = desired;
    this.synced = true;
    const durationMs = Number(process.hrtime.bigint() - timer) / 1e6;

    const m = this.o.metrics;
    if (m) {
      m.syncDuration.observe(durationMs / 1000, { kind });
      m.transactionOps.inc({ kind }, tx.size);
      m.lastSync.set(Date.now() / 1000);
      const now = Date.now();
      for (const t of this.changes.take(start)) m.programmingLatency.observe((now - t) / 1000);
      m.rules.set(desired.chains.length, { type: 'chains' });
      m.rules.set(desired.chains.reduce((n, c) => n + c.rules.length, 0), { type: 'rules' });
      m.rules.set(desired.sets.reduce((n, s) => n + s.elements.length, 0), { type: 'elements' });
    } else {
      this.changes.take(start);
    }
    this.o.healthChecks?.sync(healthCheckTargets(state.services, state.endpointSlices, state.nodeName));
    if (tx.size > 0 || kind === 'full') this.o.log.info('proxy synced', { kind, operations: tx.size, durationMs: Math.round(durationMs * 10) / 10, chains: desired.chains.length });
    await this.clearStaleUdp(previous, desired);
    for (const l of this.listeners) l({ kind, operations: tx.size, durationMs });
  }

  private async clearStaleUdp(prev: Ruleset | undefined, next: Ruleset): Promise<void> {
    if (!this.o.conntrack) return;
    for (const args of udpConntrackDeletions(prev, next)) {
      const r = await this.o.conntrack(args);
      if (!r.ok) this.o.log.warn('conntrack delete failed', { args, stderr: r.stderr });
      else if (r.deleted > 0) {
        this.o.metrics?.conntrackDeleted.inc({}, r.deleted);
        this.o.log.info('deleted stale UDP conntrack entries', { args, deleted: r.deleted });
      }
    }
  }
}
