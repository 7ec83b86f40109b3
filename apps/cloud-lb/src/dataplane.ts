// The data path: applies the desired LbSpecs — addresses on the interface, one listener per
// LB IP:protocol:port, health checks of the nodes — and reports what it is doing. It runs in
// the controller's process, or in a worker inside another network namespace (--netns).
import type { Logger } from '@svcnet/observability';
import { BackendPicker, type BalanceMode } from './backend-picker';
import { HealthChecker, type HealthTarget, type TargetHealth } from './health-checker';
import type { LbBackend, LbPort, LbSpec } from './lb-spec';
import type { AddressManager } from './addresses';
import type { Route, Target } from './route';
import { sourceFilter, type SourceFilter } from './source-ranges';
import { TcpProxy } from './tcp-proxy';
import { UdpProxy } from './udp-proxy';
import type { Nftables } from '@svcnet/nftables';
import { diffLbRuleset, LB_TABLE, renderLbRuleset, targetKey, type LbRuleset } from './nft-rules';
import { Transaction } from '@svcnet/nftables';

/** userspace: TCP/UDP proxies (client IP lost); nftables: kernel DNAT in this namespace (client IP kept) */
export type DataplaneMode = 'nftables' | 'userspace';

export function parseDataplaneMode(s: string): DataplaneMode {
  if (s === 'nftables' || s === 'userspace') return s;
  throw new Error(`--dataplane must be nftables or userspace, got "${s}"`);
}

export interface DataplaneOptions {
  addresses: AddressManager;
  /** default userspace */
  mode?: DataplaneMode;
  /** required in nftables mode (in userspace mode: used once, to remove a table an earlier nftables run left) */
  nft?: Nftables;
  /** nftables mode: flush UDP conntrack entries of a node that left an LB port (best effort) */
  conntrackDelete?: (args: string[]) => Promise<void>;
  balance: BalanceMode;
  healthIntervalMs: number;
  healthTimeoutMs?: number;
  connectTimeoutMs?: number;
  udpIdleTimeoutMs?: number;
  log?: Logger;
  /** something changed that an observer may want to see (health, listeners, counters); called often, debounce */
  onChange?: () => void;
}

export interface BackendView {
  node: string;
  ip: string;
  healthy: boolean | null;
  lastCheck?: string;
  lastError?: string;
  since?: string;
  activeConnections: number;
}

export interface LbView {
  service: string;
  ip: string;
  externalTrafficPolicy: string;
  sourceRanges: string[];
  healthCheck: LbSpec['healthCheck'];
  /** listening: userspace: a listener is bound; nftables: the port is in the kernel's map */
  ports: (LbPort & { listening: boolean; error?: string; forwardsTo?: string[] })[];
  backends: BackendView[];
}

export interface CounterSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface DataplaneSnapshot {
  mode?: DataplaneMode;
  /** nftables mode: the last sync error, if the last sync failed */
  rulesError?: string;
  lbs: LbView[];
  counters: CounterSample[];
}

interface Listener {
  key: string;
  lb: LbSpec;
  port: LbPort;
  proxy: TcpProxy | UdpProxy;
  route: PortRoute;
  listening: boolean;
  error?: string;
}

const listenerKey = (ip: string, p: LbPort) => `${ip}|${p.protocol}|${p.port}`;

/** the per-listener routing state: which nodes, how healthy, how busy */
class PortRoute implements Route {
  private picker: BackendPicker;
  private filter: SourceFilter;
  constructor(
    public lb: LbSpec,
    public port: LbPort,
    private readonly dp: Dataplane,
    balance: BalanceMode,
  ) {
    this.picker = new BackendPicker(balance);
    this.filter = sourceFilter(lb.sourceRanges);
  }
  update(lb: LbSpec, port: LbPort): void {
    this.lb = lb;
    this.port = port;
    this.filter = sourceFilter(lb.sourceRanges);
  }
  allowed(ip: string): boolean {
    return this.filter(ip);
  }
  private targetOf(b: LbBackend): Target {
    return { node: b.node, ip: b.ip, port: this.port.nodePort };
  }
  pick(exclude?: ReadonlySet<string>): Target | undefined {
    const cands = this.lb.backends.map((b) => ({ id: b.node, healthy: this.dp.backendHealth(this.lb, b).healthy, active: this.dp.active(b.ip, this.port.nodePort) }));
    const c = this.picker.pick(cands, exclude);
    const b = c && this.lb.backends.find((x) => x.node === c.id);
    return b && this.targetOf(b);
  }
  usable(t: Target): boolean {
    const b = this.lb.backends.find((x) => x.node === t.node && x.ip === t.ip);
    return !!b && t.port === this.port.nodePort && this.dp.backendHealth(this.lb, b).healthy !== false;
  }
  connected(t: Target): void {
    this.dp.count('cloud_lb_connections_total', { service: this.lb.service, port: `${this.port.port}/${this.port.protocol}`, node: t.node });
    this.dp.addActive(t.ip, t.port, 1);
  }
  closed(t: Target): void {
    this.dp.addActive(t.ip, t.port, -1);
  }
  connectFailed(t: Target, err: string): void {
    this.dp.count('cloud_lb_backend_connect_failures_total', { service: this.lb.service, node: t.node });
    const b = this.lb.backends.find((x) => x.node === t.node);
    if (b) this.dp.reportFailure(this.lb, b, `${t.ip}:${t.port}: ${err}`);
  }
  rejected(reason: 'source-range' | 'no-backend'): void {
    this.dp.count('cloud_lb_rejected_total', { service: this.lb.service, reason });
  }
}

export class Dataplane {
  private listeners = new Map<string, Listener>();
  private present?: Set<string>;
  private specs: LbSpec[] = [];
  private activeByTarget = new Map<string, number>();
  private counters = new Map<string, CounterSample>();
  private health: HealthChecker;
  private chain: Promise<void> = Promise.resolve();
  readonly mode: DataplaneMode;
  /** nftables mode: what the kernel holds (undefined = unknown: the next sync replaces the table) */
  private rules?: LbRuleset;
  private rulesError?: string;
  private syncQueued = false;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly o: DataplaneOptions) {
    this.mode = o.mode ?? 'userspace';
    if (this.mode === 'nftables' && !o.nft) throw new Error('nftables data path needs an nft executor');
    this.health = new HealthChecker({
      intervalMs: o.healthIntervalMs,
      timeoutMs: o.healthTimeoutMs ?? Math.min(1000, o.healthIntervalMs),
      log: o.log,
      onChange: () => {
        // A node went in or out: re-render the maps (one transaction; bursts coalesce).
        if (this.mode === 'nftables') this.queueSync();
        o.onChange?.();
      },
    });
  }

  private queueSync(): void {
    if (this.syncQueued || this.closed) return;
    this.syncQueued = true;
    const next = this.chain.then(() => {
      this.syncQueued = false;
      return this.syncRules();
    });
    this.chain = next.catch(() => undefined);
  }

  /** nftables mode: the healthy nodes of one LB, as the userspace picker chooses them */
  private forwardNodes(lb: LbSpec): LbBackend[] {
    const h = lb.backends.map((b) => ({ b, healthy: this.backendHealth(lb, b).healthy }));
    const up = h.filter((x) => x.healthy === true);
    // Before the first check finished: the unchecked ones (a new LB should not refuse at once).
    return (up.length ? up : h.filter((x) => x.healthy === undefined)).map((x) => x.b);
  }

  private async syncRules(): Promise<void> {
    if (this.closed) return;
    const next = renderLbRuleset(this.specs.map((lb) => ({ lb, nodesFor: () => this.forwardNodes(lb) })));
    const prev = this.rules;
    const tx = diffLbRuleset(prev, next);
    if (tx.isEmpty()) return;
    try {
      await this.o.nft!.apply(tx);
    } catch (e) {
      this.rules = undefined; // unknown now: the retry replaces the whole table
      this.rulesError = (e as Error).message;
      this.o.log?.error('nftables sync failed; retrying in 1s', { err: e as Error });
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.queueSync(), 1000);
      this.o.onChange?.();
      throw e;
    }
    this.rules = next;
    this.rulesError = undefined;
    this.o.log?.info('nftables synced', { operations: tx.size, full: !prev, ports: next.ips.size });
    if (prev) await this.flushUdpFlows(prev, next);
    this.o.onChange?.();
  }

  /** UDP has no connection end: flows pinned (by conntrack) to a node that left would keep going there */
  private async flushUdpFlows(prev: LbRuleset, next: LbRuleset): Promise<void> {
    if (!this.o.conntrackDelete) return;
    for (const [k, nodes] of prev.targets) {
      const [ip, protocol, p] = k.split('|');
      if (protocol !== 'UDP') continue;
      const still = new Set(next.targets.get(k) ?? []);
      for (const n of nodes) {
        if (still.has(n)) continue;
        await this.o.conntrackDelete(['-D', '-p', 'udp', '--orig-dst', ip, '--orig-port-dst', p, '--reply-src', n]).catch(() => undefined);
      }
    }
  }

  /** serialised: each apply sees the previous one finished */
  apply(specs: LbSpec[]): Promise<void> {
    const next = this.chain.then(() => this.applyNow(specs));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async applyNow(specs: LbSpec[]): Promise<void> {
    const log = this.o.log;
    this.specs = specs;
    if (!this.present) {
      this.present = new Set(await this.o.addresses.list());
      // Switched from nftables to userspace: the old table would still DNAT our addresses.
      if (this.mode === 'userspace' && this.o.nft && (await this.o.nft.read('ip', LB_TABLE).catch(() => undefined))) {
        await this.o.nft.apply(new Transaction('ip', LB_TABLE).deleteTable());
        log?.info('removed the nftables data path table left by an earlier run', { table: LB_TABLE });
        // and its NAT bindings would keep steering reused client ports to the nodes
        for (const ip of specs.map((x) => x.ip)) await this.o.conntrackDelete?.(['-D', '--orig-dst', ip]);
      }
    }
    const wantIps = new Set(specs.map((s) => s.ip));
    const want = new Map<string, { lb: LbSpec; port: LbPort }>();
    // nftables mode: nothing listens; the kernel forwards
    if (this.mode === 'userspace') for (const lb of specs) for (const p of lb.ports) want.set(listenerKey(lb.ip, p), { lb, port: p });

    // Old listeners first, so a port that moves between Services can be bound again.
    for (const [k, l] of this.listeners) {
      if (want.has(k)) continue;
      this.listeners.delete(k);
      await l.proxy.close();
      log?.info('listener closed', { service: l.lb.service, listen: k });
    }
    for (const ip of [...this.present]) {
      if (wantIps.has(ip)) continue;
      await this.o.addresses.remove(ip);
      this.present.delete(ip);
      if (this.mode === 'nftables') await this.o.conntrackDelete?.(['-D', '--orig-dst', ip]);
      log?.info('address released', { ip });
    }
    // nftables: forward rules before the address, so no SYN meets an owned address without them
    this.health.sync(this.healthTargets());
    if (this.mode === 'nftables') await this.syncRules();
    for (const ip of wantIps) {
      if (this.present.has(ip)) continue;
      await this.o.addresses.add(ip);
      this.present.add(ip);
      log?.info('address added', { ip });
    }
    for (const [k, { lb, port }] of want) {
      const l = this.listeners.get(k);
      if (l) {
        // Same IP and port: follow nodePort, node and policy changes in place.
        l.lb = lb;
        l.port = port;
        l.route.update(lb, port);
        if (!l.listening) await this.startListener(l);
        continue;
      }
      const route = new PortRoute(lb, port, this, this.o.balance);
      const proxy =
        port.protocol === 'TCP'
          ? new TcpProxy({ host: lb.ip, port: port.port, route: () => route, connectTimeoutMs: this.o.connectTimeoutMs ?? 1000, maxAttempts: 3 })
          : new UdpProxy({ host: lb.ip, port: port.port, route: () => route, idleTimeoutMs: this.o.udpIdleTimeoutMs ?? 60_000 });
      const nl: Listener = { key: k, lb, port, proxy, route, listening: false };
      this.listeners.set(k, nl);
      await this.startListener(nl);
    }
    this.health.sync(this.healthTargets());
    this.o.onChange?.();
  }

  private async startListener(l: Listener): Promise<void> {
    try {
      await l.proxy.listen();
      l.listening = true;
      l.error = undefined;
      this.o.log?.info('listening', { service: l.lb.service, listen: l.key, nodePort: l.port.nodePort });
    } catch (e) {
      l.error = (e as Error).message;
      this.o.log?.error('listen failed', { service: l.lb.service, listen: l.key, err: e as Error });
    }
  }

  private healthTargets(): HealthTarget[] {
    return this.specs.flatMap((lb) => lb.backends.map((b) => ({ ip: b.ip, check: lb.healthCheck })));
  }

  backendHealth(lb: LbSpec, b: LbBackend): TargetHealth {
    return this.health.health({ ip: b.ip, check: lb.healthCheck });
  }

  reportFailure(lb: LbSpec, b: LbBackend, reason: string): void {
    this.health.reportFailure({ ip: b.ip, check: lb.healthCheck }, reason);
  }

  active(ip: string, port: number): number {
    return this.activeByTarget.get(`${ip}:${port}`) ?? 0;
  }

  addActive(ip: string, port: number, d: number): void {
    const k = `${ip}:${port}`;
    this.activeByTarget.set(k, Math.max(0, (this.activeByTarget.get(k) ?? 0) + d));
    this.o.onChange?.();
  }

  count(name: string, labels: Record<string, string>, by = 1): void {
    const k = name + JSON.stringify(labels);
    const c = this.counters.get(k);
    if (c) c.value += by;
    else this.counters.set(k, { name, labels, value: by });
    this.o.onChange?.();
  }

  snapshot(): DataplaneSnapshot {
    const lbs = this.specs.map((lb): LbView => ({
      service: lb.service,
      ip: lb.ip,
      externalTrafficPolicy: lb.externalTrafficPolicy,
      sourceRanges: lb.sourceRanges,
      healthCheck: lb.healthCheck,
      ports: lb.ports.map((p) => {
        if (this.mode === 'nftables') {
          const to = this.rules?.targets.get(targetKey(lb.ip, p));
          return { ...p, listening: !!to, forwardsTo: to ?? [], ...(this.rulesError ? { error: this.rulesError } : {}) };
        }
        const l = this.listeners.get(listenerKey(lb.ip, p));
        return { ...p, listening: !!l?.listening, ...(l?.error ? { error: l.error } : {}) };
      }),
      backends: lb.backends.map((b) => {
        const h = this.backendHealth(lb, b);
        const active = lb.ports.reduce((n, p) => n + this.active(b.ip, p.nodePort), 0);
        return { node: b.node, ip: b.ip, healthy: h.healthy ?? null, lastCheck: h.lastCheck, lastError: h.lastError, since: h.since, activeConnections: active };
      }),
    }));
    return { mode: this.mode, ...(this.rulesError ? { rulesError: this.rulesError } : {}), lbs, counters: [...this.counters.values()].map((c) => ({ ...c })) };
  }

  /** close listeners; addresses stay unless `releaseAddresses` (a restart keeps serving sooner) */
  async close(releaseAddresses = false): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.health.stop();
    for (const l of this.listeners.values()) await l.proxy.close();
    this.listeners.clear();
    if (releaseAddresses && this.present) for (const ip of this.present) await this.o.addresses.remove(ip).catch(() => undefined);
    // The table stays on a plain stop (a restarted LB keeps forwarding meanwhile; its first
    // sync replaces it); with releaseAddresses the LB is going away for good.
    if (releaseAddresses && this.mode === 'nftables') await this.o.nft!.apply(new Transaction('ip', LB_TABLE).addTable().deleteTable()).catch(() => undefined);
  }
}
