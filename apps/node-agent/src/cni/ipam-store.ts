// IPAM state on disk, host-local style: one file per reserved IP in dataDir, created with
// O_EXCL so concurrent plugin processes (containerd runs ADDs in parallel) never get the same
// address; content "<containerId>\n<ifname>" lets DEL and a repeated ADD find it again.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CNI_ERR, CniError } from './cni-errors';
import { nextFreeIp, parseSubnet, poolSize } from './ipam-choice';
import { cidrContains, isIPv4 } from '@svcnet/ipnet';

const LAST_RESERVED = 'last_reserved_ip';

export interface Reservation {
  ip: string;
  containerId: string;
  ifname: string;
}

export class IpamStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  list(): Reservation[] {
    const out: Reservation[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!isIPv4(f)) continue;
      let text = '';
      try {
        text = readFileSync(join(this.dir, f), 'utf8');
      } catch {
        continue; // released meanwhile
      }
      const [containerId = '', ifname = ''] = text.split('\n').map((s) => s.trim());
      out.push({ ip: f, containerId, ifname });
    }
    return out;
  }

  find(containerId: string, ifname: string): string[] {
    return this.list()
      .filter((r) => r.containerId === containerId && (r.ifname === ifname || r.ifname === ''))
      .map((r) => r.ip);
  }

  /** false if another process holds the IP */
  reserve(ip: string, containerId: string, ifname: string): boolean {
    let fd: number;
    try {
      fd = openSync(join(this.dir, ip), 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    try {
      writeSync(fd, `${containerId}\n${ifname}`);
    } finally {
      closeSync(fd);
    }
    this.writeLastReserved(ip);
    return true;
  }

  release(containerId: string, ifname: string): string[] {
    const ips = this.find(containerId, ifname);
    for (const ip of ips) {
      try {
        unlinkSync(join(this.dir, ip));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return ips;
  }

  lastReserved(): string | undefined {
    try {
      const s = readFileSync(join(this.dir, LAST_RESERVED), 'utf8').trim();
      return isIPv4(s) ? s : undefined;
    } catch {
      // no hint stored yet (first ADD) or unreadable: scanning starts at the first address
      return undefined;
    }
  }

  private writeLastReserved(ip: string): void {
    // only a hint for where to continue scanning; tmp+rename so readers never see half a line
    const tmp = join(this.dir, `.${LAST_RESERVED}.${process.pid}`);
    writeFileSync(tmp, ip);
    renameSync(tmp, join(this.dir, LAST_RESERVED));
  }
}

/** the container's IP: the one it already holds (repeated ADD), else a new reservation */
export function allocateIp(store: IpamStore, o: { subnet: string; gateway: string; containerId: string; ifname: string }): { ip: string; fresh: boolean } {
  const subnet = parseSubnet(o.subnet);
  const have = store.find(o.containerId, o.ifname).filter((ip) => cidrContains(subnet, ip));
  if (have.length > 0) return { ip: have[0], fresh: false };
  // each lost race removes one candidate, so the pool size bounds the retries
  for (let attempt = 0; attempt <= poolSize(o.subnet); attempt++) {
    const ip = nextFreeIp({ subnet: o.subnet, gateway: o.gateway, used: store.list().map((r) => r.ip), lastReserved: store.lastReserved() });
    if (!ip) break;
    if (store.reserve(ip, o.containerId, o.ifname)) return { ip, fresh: true };
  }
  throw new CniError(CNI_ERR.subnetExhausted, `no free IP in ${o.subnet}`, `all ${poolSize(o.subnet)} pod addresses are reserved in ${store.dir}`);
}
