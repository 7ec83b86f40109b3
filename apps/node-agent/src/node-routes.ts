// Routes from this node to the other nodes' pod CIDRs via their InternalIP, so pods reach
// pods on other nodes without any overlay.
import type { Node } from '@svcnet/api-types';
import { familyOf } from '@svcnet/ipnet';
import type { Logger } from '@svcnet/observability';
import { internalIPOf } from './node-object';
import { SYSCTL, deleteOwnRoute, replaceOwnRoute, setOwnSysctl } from '@svcnet/netns';

export interface PodRoute {
  cidr: string;
  via: string;
}

export function desiredRoutes(nodes: Node[], selfName: string): PodRoute[] {
  const out: PodRoute[] = [];
  for (const n of nodes) {
    if (n.metadata.name === selfName || n.metadata.deletionTimestamp) continue;
    const via = internalIPOf(n);
    const cidrs = n.spec?.podCIDRs?.length ? n.spec.podCIDRs : n.spec?.podCIDR ? [n.spec.podCIDR] : [];
    if (!via) continue;
    for (const cidr of cidrs) if (familyOf(cidr) === 4) out.push({ cidr, via });
  }
  return out.sort((a, b) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0));
}

/** what to change to get from `current` to `desired` */
export function routeChanges(current: Map<string, string>, desired: PodRoute[]): { replace: PodRoute[]; remove: string[] } {
  const want = new Map(desired.map((r) => [r.cidr, r.via]));
  return {
    replace: desired.filter((r) => current.get(r.cidr) !== r.via),
    remove: [...current.keys()].filter((c) => !want.has(c)),
  };
}

export class NodeRoutes {
  private applied = new Map<string, string>();
  constructor(private readonly selfName: string, private readonly log: Logger) {}

  async sync(nodes: Node[]): Promise<void> {
    const { replace, remove } = routeChanges(this.applied, desiredRoutes(nodes, this.selfName));
    for (const r of replace) {
      try {
        await replaceOwnRoute(r.cidr, r.via);
        this.applied.set(r.cidr, r.via);
        this.log.info('route to node pod CIDR', { cidr: r.cidr, via: r.via });
      } catch (e) {
        this.log.warn('cannot add route', { cidr: r.cidr, via: r.via, err: (e as Error).message });
      }
    }
    for (const cidr of remove) {
      await deleteOwnRoute(cidr);
      this.applied.delete(cidr);
      this.log.info('removed route', { cidr });
    }
  }
}

/** this node forwards between pods and other nodes; no ICMP redirects (pods must not bypass the node) */
export async function enableForwarding(): Promise<void> {
  // /proc/sys/net is per network namespace: this is the node's
  setOwnSysctl(SYSCTL.ipForward, 1);
  setOwnSysctl(SYSCTL.allSendRedirects, 0);
}
