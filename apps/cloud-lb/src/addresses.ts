// The LB addresses on the host interface: /32s added with `ip addr add` when an IP is
// allocated and removed when it is released, so a released IP stops answering.
import { run, type RunResult } from '@svcnet/netns';
import type { IpPool } from './pool';

const ip = (args: string[]): Promise<RunResult> => run('ip', args, { allowFailure: true });

// the same rule as the CNI plugin's configured bridge names
const LINK_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

export interface AddressManager {
  /** pool addresses (/32) currently on the interface */
  list(): Promise<string[]>;
  add(addr: string): Promise<void>;
  remove(addr: string): Promise<void>;
}

export class IpAddressManager implements AddressManager {
  constructor(private readonly iface: string, private readonly pool: IpPool) {
    if (!LINK_RE.test(iface)) throw new Error(`invalid --interface "${iface}"`);
  }

  async list(): Promise<string[]> {
    const r = await ip(['-j', '-4', 'addr', 'show', 'dev', this.iface]);
    if (r.code !== 0) throw new Error(`ip addr show dev ${this.iface}: ${r.stderr.trim()}`);
    const links = JSON.parse(r.stdout || '[]') as { addr_info?: { local: string; prefixlen: number }[] }[];
    return links.flatMap((l) => l.addr_info ?? []).filter((a) => a.prefixlen === 32 && this.pool.contains(a.local)).map((a) => a.local);
  }

  async add(addr: string): Promise<void> {
    if (!this.pool.contains(addr)) throw new Error(`refusing to add ${addr}: not in the pool`);
    const r = await ip(['addr', 'replace', `${addr}/32`, 'dev', this.iface]);
    if (r.code !== 0) throw new Error(`ip addr add ${addr}/32 dev ${this.iface}: ${r.stderr.trim()}`);
  }

  async remove(addr: string): Promise<void> {
    if (!this.pool.contains(addr)) throw new Error(`refusing to remove ${addr}: not in the pool`);
    const r = await ip(['addr', 'del', `${addr}/32`, 'dev', this.iface]);
    if (r.code !== 0 && !/Cannot assign requested address/.test(r.stderr)) throw new Error(`ip addr del ${addr}/32 dev ${this.iface}: ${r.stderr.trim()}`);
  }
}
