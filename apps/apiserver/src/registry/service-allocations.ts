// ClusterIPs and NodePorts for Services. The in-memory allocators answer fast; a key per
// allocation in the store (/allocations/...) is the arbiter, created with create-if-absent,
// so two apiservers on one etcd never hand out the same IP or port. Every allocation made
// for a request is rolled back if the request fails, so a failed create leaks nothing.
// A dry run allocates in memory only and checks the store's keys without writing them, so it
// answers with the IPs and ports a real request would get (or its error) and stores nothing;
// the caller releases it with release(a, { dryRun: true }).
import { AllocationError, IPRangeAllocator, PortRangeAllocator } from '@svcnet/allocators';
import { ApiError, isHeadless, needsHealthCheckNodePort, needsNodePorts, type Service, type KubeObject } from '@svcnet/api-types';
import { isStoreError, StoreError, type Store } from '@svcnet/store';
import { fieldInvalidError } from './field-errors';

export interface Allocation {
  ips: string[];
  ports: number[];
}

const IP_PREFIX = '/allocations/clusterips/';
const PORT_PREFIX = '/allocations/nodeports/';

export function emptyAllocation(): Allocation {
  return { ips: [], ports: [] };
}

export function allocationOf(svc: Service): Allocation {
  const a = emptyAllocation();
  const ip = svc.spec.clusterIP;
  if (ip && ip !== 'None') a.ips.push(ip);
  for (const p of svc.spec.ports ?? []) if (p.nodePort) a.ports.push(p.nodePort);
  if (svc.spec.healthCheckNodePort) a.ports.push(svc.spec.healthCheckNodePort);
  return a;
}

function ownerOf(svc: Service): string {
  return `${svc.metadata.namespace}/${svc.metadata.name}`;
}

export class ServiceAllocations {
  readonly ips: IPRangeAllocator;
  readonly ports: PortRangeAllocator;

  constructor(
    private readonly store: Store,
    serviceCidr: string,
    nodePortRange: [number, number],
  ) {
    this.ips = new IPRangeAllocator(serviceCidr);
    this.ports = new PortRangeAllocator(nodePortRange[0], nodePortRange[1]);
  }

  get portRangeText(): string {
    return `${this.ports.min}-${this.ports.max}`;
  }

  /**
   * Loads the allocation keys and repairs them against the stored Services: keys whose
   * Service is gone (a crash between the two writes) are released, and allocations a
   * Service holds without a key are re-recorded.
   */
  async restore(services: Service[]): Promise<void> {
    const held = new Map<string, string>();
    for (const s of services) {
      const a = allocationOf(s);
      for (const ip of a.ips) held.set(IP_PREFIX + ip, ownerOf(s));
      for (const p of a.ports) held.set(PORT_PREFIX + p, ownerOf(s));
    }
    for (const prefix of [IP_PREFIX, PORT_PREFIX]) {
      const { items } = await this.store.list(prefix);
      for (const item of items) {
        const key = prefix + item.metadata.name;
        if (!held.has(key)) await this.store.delete(key).catch(() => undefined);
      }
    }
    for (const [key, owner] of held) {
      const value = key.slice(key.lastIndexOf('/') + 1);
      if (key.startsWith(IP_PREFIX)) this.markIP(value);
      else this.markPort(Number(value));
      await this.store.create(key, this.record(value, owner)).catch((e) => {
        if (!isStoreError(e, 'KeyExists')) throw e;
      });
    }
  }

  /** Fills in clusterIP(s), nodePorts and healthCheckNodePort of a new Service. */
  async allocateForCreate(svc: Service, dryRun = false): Promise<Allocation> {
    const done = emptyAllocation();
    try {
      await this.allocateMissing(svc, undefined, done, dryRun);
      return done;
    } catch (e) {
      await this.release(done, { dryRun });
      throw e;
    }
  }

  /**
   * Works out an update: keeps what the old Service held where the new one still needs it,
   * allocates what is new, and returns what to release once the update is stored.
   */
  async allocateForUpdate(next: Service, old: Service, dryRun = false): Promise<{ allocated: Allocation; toRelease: Allocation }> {
    const done = emptyAllocation();
    try {
      await this.allocateMissing(next, old, done, dryRun);
    } catch (e) {
      await this.release(done, { dryRun });
      throw e;
    }
    const keep = allocationOf(next);
    const prev = allocationOf(old);
    return {
      allocated: done,
      toRelease: { ips: prev.ips.filter((ip) => !keep.ips.includes(ip)), ports: prev.ports.filter((p) => !keep.ports.includes(p)) },
    };
  }

  async release(a: Allocation, opts: { dryRun?: boolean } = {}): Promise<void> {
    for (const ip of a.ips) {
      this.ips.release(ip);
      if (!opts.dryRun) await this.store.delete(IP_PREFIX + ip).catch(() => undefined);
    }
    for (const p of a.ports) {
      this.ports.release(p);
      if (!opts.dryRun) await this.store.delete(PORT_PREFIX + p).catch(() => undefined);
    }
  }

  /** Takes the arbiter key, or on a dry run only checks that it is free. */
  private async claim(key: string, value: string, owner: string, dryRun: boolean): Promise<void> {
    if (!dryRun) {
      await this.store.create(key, this.record(value, owner));
      return;
    }
    if (await this.store.get(key)) throw new StoreError('KeyExists', `key ${key} exists`);
  }

  private async allocateMissing(svc: Service, old: Service | undefined, done: Allocation, dryRun: boolean): Promise<void> {
    const owner = ownerOf(svc);
    const oldAlloc = old ? allocationOf(old) : emptyAllocation();
    // ClusterIP
    if (svc.spec.type !== 'ExternalName' && !isHeadless(svc)) {
      const wanted = svc.spec.clusterIP || svc.spec.clusterIPs?.[0];
      if (!wanted) {
        const ip = await this.nextIP(owner, dryRun);
        done.ips.push(ip);
        svc.spec.clusterIP = ip;
      } else if (!oldAlloc.ips.includes(wanted)) {
        await this.takeIP(wanted, owner, dryRun);
        done.ips.push(wanted);
        svc.spec.clusterIP = wanted;
      }
      svc.spec.clusterIPs = [svc.spec.clusterIP!];
    } else if (isHeadless(svc)) {
      svc.spec.clusterIPs = ['None'];
    }
    // NodePorts: explicit ones in any type that allows them, automatic ones when needed.
    const ports = svc.spec.ports ?? [];
    const seen = new Set<number>();
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i];
      const field = `spec.ports[${i}].nodePort`;
      if (p.nodePort) {
        // Two ports of one Service may share a nodePort only across protocols.
        if (seen.has(p.nodePort) || oldAlloc.ports.includes(p.nodePort)) {
          seen.add(p.nodePort);
          continue;
        }
        await this.takePort(p.nodePort, owner, field, dryRun);
        done.ports.push(p.nodePort);
        seen.add(p.nodePort);
      } else if (needsNodePorts(svc)) {
        const port = await this.nextPort(owner, dryRun);
        done.ports.push(port);
        p.nodePort = port;
        seen.add(port);
      }
    }
    if (needsHealthCheckNodePort(svc)) {
      const hc = svc.spec.healthCheckNodePort;
      if (!hc) {
        const port = await this.nextPort(owner, dryRun);
        done.ports.push(port);
        svc.spec.healthCheckNodePort = port;
      } else if (!oldAlloc.ports.includes(hc)) {
        await this.takePort(hc, owner, 'spec.healthCheckNodePort', dryRun);
        done.ports.push(hc);
      }
    }
  }

  private async takeIP(ip: string, owner: string, dryRun: boolean): Promise<void> {
    try {
      this.ips.allocate(ip);
    } catch (e) {
      if (e instanceof AllocationError) throw fieldInvalidError('Service', nameOf(owner), 'spec.clusterIPs', [ip], `failed to allocate IP ${ip}: ${e.message}`);
      throw e;
    }
    try {
      await this.claim(IP_PREFIX + ip, ip, owner, dryRun);
    } catch (e) {
      if (isStoreError(e, 'KeyExists')) throw fieldInvalidError('Service', nameOf(owner), 'spec.clusterIPs', [ip], `failed to allocate IP ${ip}: provided IP is already allocated`);
      this.ips.release(ip);
      throw e;
    }
  }

  private async nextIP(owner: string, dryRun: boolean): Promise<string> {
    for (let attempt = 0; attempt < 64; attempt++) {
      let ip: string;
      try {
        ip = this.ips.allocateNext();
      } catch (e) {
        if (e instanceof AllocationError) throw new ApiError('InternalError', `Internal error occurred: failed to allocate a serviceIP: ${e.message}`);
        throw e;
      }
      try {
        await this.claim(IP_PREFIX + ip, ip, owner, dryRun);
        return ip;
      } catch (e) {
        if (!isStoreError(e, 'KeyExists')) {
          this.ips.release(ip);
          throw e;
        }
        // taken by another apiserver: keep it marked here and try another
      }
    }
    throw new ApiError('InternalError', 'Internal error occurred: failed to allocate a serviceIP: too many conflicts');
  }

  private async takePort(port: number, owner: string, field: string, dryRun: boolean): Promise<void> {
    try {
      this.ports.allocate(port);
    } catch (e) {
      if (e instanceof AllocationError) throw fieldInvalidError('Service', nameOf(owner), field, port, e.message);
      throw e;
    }
    try {
      await this.claim(PORT_PREFIX + port, String(port), owner, dryRun);
    } catch (e) {
      if (isStoreError(e, 'KeyExists')) throw fieldInvalidError('Service', nameOf(owner), field, port, 'provided port is already allocated');
      this.ports.release(port);
      throw e;
    }
  }

  private async nextPort(owner: string, dryRun: boolean): Promise<number> {
    for (let attempt = 0; attempt < 64; attempt++) {
      let port: number;
      try {
        port = this.ports.allocateNext();
      } catch (e) {
        if (e instanceof AllocationError) throw new ApiError('InternalError', `Internal error occurred: failed to allocate a nodePort: ${e.message}`);
        throw e;
      }
      try {
        await this.claim(PORT_PREFIX + port, String(port), owner, dryRun);
        return port;
      } catch (e) {
        if (!isStoreError(e, 'KeyExists')) {
          this.ports.release(port);
          throw e;
        }
      }
    }
    throw new ApiError('InternalError', 'Internal error occurred: failed to allocate a nodePort: too many conflicts');
  }

  private markIP(ip: string): void {
    try {
      this.ips.allocate(ip);
    } catch {
      /* outside the current range (range changed): nothing to mark */
    }
  }

  private markPort(port: number): void {
    try {
      this.ports.allocate(port);
    } catch {
      /* outside the current range */
    }
  }

  private record(value: string, owner: string): KubeObject {
    return { metadata: { name: value, annotations: { 'svcnet.io/owner': owner } } };
  }
}

function nameOf(owner: string): string {
  return owner.slice(owner.indexOf('/') + 1);
}
