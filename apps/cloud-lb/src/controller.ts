// The reconcile loop: Services and Nodes from informers -> IP allocation, finalizer, status,
// Events -> the desired LbSpecs handed to the data path.
import { WorkQueue, type Informer, type ResourceClient } from '@svcnet/api-client';
import { isApiError } from '@svcnet/api-types';
import type { Event, Node, Service } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import type { DataplaneHandle } from './dataplane-handle';
import { EventRecorder } from './events';
import { IpAllocator } from './ip-allocator';
import { buildLbSpec, isOurLoadBalancer, LB_FINALIZER, serviceKey, servablePorts, wantsLoadBalancer, type LbSpec } from './lb-spec';
import type { IpPool } from './pool';

export interface ControllerOptions {
  services: Informer<Service>;
  nodes: Informer<Node>;
  serviceClient: ResourceClient<Service>;
  eventClient?: ResourceClient<Event>;
  pool: IpPool;
  dataplane: DataplaneHandle;
  log: Logger;
}

export interface AllocationProblem {
  service: string;
  reason: string;
  message: string;
}

const ingressIPs = (s: Service) => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((x): x is string => !!x);

export class Controller {
  readonly allocator: IpAllocator;
  readonly problems = new Map<string, AllocationProblem>();
  private readonly queue: WorkQueue;
  private readonly events: EventRecorder;
  private started = false;
  private syncTimer?: NodeJS.Timeout;
  allocationFailures = 0;

  constructor(private readonly o: ControllerOptions) {
    this.allocator = new IpAllocator(o.pool);
    this.events = new EventRecorder(o.eventClient, o.log);
    // one worker: reconciles share the IP allocator and the data plane
    this.queue = new WorkQueue((k) => this.reconcile(k), {
      workers: 1,
      baseDelayMs: 100,
      maxDelayMs: 5000,
      onError: (k, err) => o.log.warn('reconcile failed, will retry', { service: k, err: err as Error }),
    });
  }

  /** list everything, take back the IPs Services already show, then reconcile them all */
  async start(): Promise<void> {
    const { services, nodes } = this.o;
    await Promise.all([services.start(), nodes.start()]);
    this.restore(services.list());
    this.started = true;
    await this.syncDataplane();
    services.on({
      add: (s) => this.queue.add(serviceKey(s)),
      update: (_o, s) => this.queue.add(serviceKey(s)),
      delete: (s) => this.queue.add(serviceKey(s)),
    });
    // Node changes only change backends: one data path sync for all LBs, debounced.
    nodes.on({ add: () => this.scheduleSync(), update: () => this.scheduleSync(), delete: () => this.scheduleSync() });
  }

  stop(): void {
    this.queue.stop();
    if (this.syncTimer) clearTimeout(this.syncTimer);
  }

  notReadyReason(): string | undefined {
    return this.started ? undefined : 'waiting for informers: services, nodes';
  }

  /**
   * Two Services never share an IP, also across restarts: the oldest Service showing an
   * address keeps it; a later one showing the same address gets a new one on reconcile.
   */
  restore(services: Service[]): void {
    const sorted = services.filter(isOurLoadBalancer).sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || serviceKey(a).localeCompare(serviceKey(b)));
    for (const s of sorted) {
      for (const ip of ingressIPs(s)) {
        if (s.spec.loadBalancerIP && s.spec.loadBalancerIP !== ip) continue;
        const r = this.allocator.claim(serviceKey(s), ip);
        if (r.ok) {
          this.o.log.info('restored allocation', { service: serviceKey(s), ip });
          break;
        }
      }
    }
  }

  /** an address was freed: Services waiting for one (or for that one) try again */
  private retryProblems(): void {
    for (const k of this.problems.keys()) this.queue.add(k);
  }

  private scheduleSync(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.syncDataplane().catch((err) => {
        this.o.log.warn('data path sync failed, will retry', { err });
        this.scheduleSync();
      });
    }, 50);
  }

  desiredSpecs(): LbSpec[] {
    const nodes = this.o.nodes.list();
    const out: LbSpec[] = [];
    for (const [key, ip] of this.allocator.entries()) {
      const [ns, name] = key.split('/');
      const s = this.o.services.get(ns, name);
      if (s && wantsLoadBalancer(s)) out.push(buildLbSpec(s, ip, nodes));
    }
    return out.sort((a, b) => a.service.localeCompare(b.service));
  }

  private syncDataplane(): Promise<void> {
    return this.o.dataplane.apply(this.desiredSpecs());
  }

  private async reconcile(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const svc = this.o.services.get(ns, name);
    const log = this.o.log.child({ service: key });
    if (!svc) {
      // Gone without our finalizer (or we were not running): just forget it.
      this.problems.delete(key);
      if (this.allocator.release(key) !== undefined) {
        await this.syncDataplane();
        this.retryProblems();
      }
      return;
    }
    if (!wantsLoadBalancer(svc)) return this.cleanup(key, svc, log);

    let cur = svc;
    if (!(cur.metadata.finalizers ?? []).includes(LB_FINALIZER)) {
      // The finalizer first: from now on the Service cannot vanish before we released its IP.
      cur = await this.o.serviceClient.update({ ...cur, metadata: { ...cur.metadata, finalizers: [...(cur.metadata.finalizers ?? []), LB_FINALIZER] } });
    }
    const requested = cur.spec.loadBalancerIP || undefined;
    const had = this.allocator.ipOf(key);
    const r = this.allocator.ensure(key, requested, ingressIPs(cur)[0]);
    if (!r.ok) {
      this.allocationFailures++;
      this.problems.set(key, { service: key, reason: 'AllocationFailed', message: `Failed to allocate IP for "${key}": ${r.reason}` });
      this.events.record(cur, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${key}": ${r.reason}`);
      log.warn('allocation failed', { reason: r.reason });
      if (had !== undefined) await this.syncDataplane();
      if (ingressIPs(cur).length) await this.writeIngress(cur, undefined);
      return;
    }
    this.problems.delete(key);
    const { ports, skipped } = servablePorts(cur);
    if (skipped.length) {
      // allocateLoadBalancerNodePorts: false (or SCTP): this LB forwards to NodePorts only.
      this.events.record(cur, 'Warning', 'UnsupportedPorts', `ports not served by the load balancer: ${skipped.join('; ')}`);
    }
    // Data path before status: when the status shows the IP, it answers.
    await this.syncDataplane();
    if (ingressIPs(cur).join(',') !== r.ip || (cur.status?.loadBalancer?.ingress ?? [])[0]?.ipMode !== 'VIP') {
      await this.writeIngress(cur, r.ip);
      this.events.record(cur, 'Normal', 'IPAllocated', `Assigned IP ["${r.ip}"]`);
      log.info('ingress written', { ip: r.ip, ports: ports.map((p) => `${p.port}/${p.protocol}->${p.nodePort}`) });
    }
  }

  /** not (or no longer) ours: free the IP, take the data path down, then let the Service go */
  private async cleanup(key: string, svc: Service, log: Logger): Promise<void> {
    this.problems.delete(key);
    const ip = this.allocator.release(key);
    if (ip !== undefined) {
      await this.syncDataplane();
      log.info('released', { ip, reason: svc.metadata.deletionTimestamp ? 'deleted' : 'no longer type LoadBalancer' });
      this.retryProblems();
    }
    const hasFinalizer = (svc.metadata.finalizers ?? []).includes(LB_FINALIZER);
    // Clear the ingress we wrote when the type changed (a foreign class's status is not ours).
    if (!svc.metadata.deletionTimestamp && hasFinalizer && ingressIPs(svc).length) await this.writeIngress(svc, undefined);
    if (hasFinalizer) {
      const fresh = svc.metadata.deletionTimestamp ? svc : await this.o.serviceClient.get(svc.metadata.namespace, svc.metadata.name!);
      try {
        await this.o.serviceClient.update({ ...fresh, metadata: { ...fresh.metadata, finalizers: (fresh.metadata.finalizers ?? []).filter((f) => f !== LB_FINALIZER) } });
      } catch (e) {
        if (isApiError(e, 'NotFound')) return;
        throw e;
      }
      if (svc.metadata.deletionTimestamp) this.events.forget(svc);
    }
  }

  private async writeIngress(svc: Service, ip: string | undefined): Promise<void> {
    const status = { ...(svc.status ?? {}), loadBalancer: ip ? { ingress: [{ ip, ipMode: 'VIP' }] } : {} };
    await this.o.serviceClient.updateStatus({ ...svc, status });
  }
}
