// PolicyEnforcer: the NetworkPolicy half of the node agent. Cluster-wide Pod, Namespace and
// NetworkPolicy informers -> compilePolicies for this node -> one atomic nft transaction on
// its own table with only what differs (full syncs read the kernel and repair drift;
// incremental ones diff against what the previous sync left). The table is never flushed:
// a restarted agent finds its rules and an empty diff, so connections are never interrupted.
import type { Informer } from '@svcnet/api-client';
import type { KubeObject, Namespace, NetworkPolicy, Pod } from '@svcnet/api-types';
import type { Nftables, TableState } from '@svcnet/nftables';
import { policyPod, syncPolicies, type PolicyInput, type PolicyPod } from '@svcnet/network-policy';
import type { Logger } from '@svcnet/observability';
import { SyncRunner, type SyncKind } from '../proxy/sync-runner';
import type { NetpolMetrics } from './netpol-metrics';
import { podFingerprint } from './pod-fingerprint';

export interface EnforcerOptions {
  nft: Nftables;
  nodeName: string;
  table: string;
  pods: Informer<Pod>;
  namespaces: Informer<Namespace>;
  policies: Informer<NetworkPolicy>;
  log: Logger;
  metrics?: NetpolMetrics;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
}

export interface EnforcerSync {
  kind: SyncKind;
  operations: number;
  durationMs: number;
}

export class PolicyEnforcer {
  private readonly runner: SyncRunner;
  private applied: TableState | undefined;
  private synced = false;
  private readonly pendingSince: number[] = [];
  private readonly listeners: ((s: EnforcerSync) => void)[] = [];

  constructor(private readonly o: EnforcerOptions) {
    this.runner = new SyncRunner({
      minIntervalMs: o.minSyncPeriodMs,
      fullIntervalMs: o.syncPeriodMs,
      sync: (kind) => this.sync(kind),
      onError: (err, kind) => {
        o.metrics?.syncFailures.inc({ kind });
        o.log.error('network policy sync failed', { kind, err: err instanceof Error ? err.message : String(err) });
      },
    });
    const changed = () => {
      this.pendingSince.push(Date.now());
      this.runner.request();
    };
    const onAny = { add: changed, update: changed, delete: changed };
    o.policies.on(onAny);
    o.namespaces.on({ add: changed, delete: changed, update: (a: KubeObject, b: KubeObject) => JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels) && changed() });
    o.pods.on({ add: changed, delete: changed, update: (a, b) => podFingerprint(a) !== podFingerprint(b) && changed() });
  }

  /** Call once the three informers have synced: a partial cache would open or close the wrong holes. */
  start(): void {
    this.runner.start();
  }

  stop(): void {
    this.runner.stop();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  onSync(fn: (s: EnforcerSync) => void): void {
    this.listeners.push(fn);
  }

  input(): PolicyInput {
    return {
      policies: this.o.policies.list(),
      pods: this.o.pods.list().map(policyPod).filter((p): p is PolicyPod => !!p),
      namespaces: this.o.namespaces.list().map((n) => ({ name: n.metadata.name ?? '', labels: n.metadata.labels ?? {} })),
      nodeName: this.o.nodeName,
    };
  }

  private async sync(kind: SyncKind): Promise<void> {
    const timer = process.hrtime.bigint();
    const changes = this.pendingSince.splice(0);
    if (!this.applied) kind = 'full';
    let result;
    try {
      result = await syncPolicies(this.o.nft, this.input(), this.o.table, kind === 'full' ? undefined : this.applied);
    } catch (err) {
      this.applied = undefined;
      this.pendingSince.unshift(...changes);
      throw err;
    }
    this.applied = result.state;
    this.synced = true;
    const durationMs = Number(process.hrtime.bigint() - timer) / 1e6;
    const ops = result.transaction.size;
    const m = this.o.metrics;
    if (m) {
      m.syncDuration.observe(durationMs / 1000, { kind });
      m.transactionOps.inc({ kind }, ops);
      const now = Date.now();
      for (const t of changes) m.programmingLatency.observe((now - t) / 1000);
      const chains = result.ruleset.chains.map((c) => c.name);
      m.groups.set(chains.filter((c) => c.startsWith('ingress-')).length, { direction: 'ingress' });
      m.groups.set(chains.filter((c) => c.startsWith('egress-')).length, { direction: 'egress' });
    }
    if (ops > 0 || kind === 'full') this.o.log.info('network policy synced', { kind, operations: ops, durationMs: Math.round(durationMs * 10) / 10 });
    for (const l of this.listeners) l({ kind, operations: ops, durationMs });
  }
}
