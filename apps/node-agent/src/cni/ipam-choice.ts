// Which IP to hand out next (pure): like host-local, scan from just after the last reserved
// address and wrap, so a just-freed IP is not reused at once (stale conntrack, DNS, endpoints).
import { broadcast, intToIp, ipToInt, isIPv4, parseCidr } from './ipv4';

export interface IpChoiceInput {
  subnet: string;
  gateway: string;
  used: Iterable<string>;
  lastReserved?: string;
}

/** usable pod addresses: every host address except the gateway (network and broadcast excluded) */
export function poolSize(subnet: string): number {
  const c = parseCidr(subnet);
  return broadcast(c) - c.network - 2;
}

export function nextFreeIp(o: IpChoiceInput): string | undefined {
  const c = parseCidr(o.subnet);
  const first = c.network + 1;
  const last = broadcast(c) - 1;
  const gw = ipToInt(o.gateway);
  const used = new Set<number>();
  for (const ip of o.used) if (isIPv4(ip)) used.add(ipToInt(ip));
  const lr = o.lastReserved && isIPv4(o.lastReserved) ? ipToInt(o.lastReserved) : undefined;
  let n = lr !== undefined && lr >= first && lr <= last ? lr + 1 : first;
  for (let i = 0; i <= last - first; i++, n++) {
    if (n > last) n = first;
    if (n !== gw && !used.has(n)) return intToIp(n);
  }
  return undefined;
}
