// Which IP to hand out next (pure): like host-local, scan from just after the last reserved
// address and wrap, so a just-freed IP is not reused at once (stale conntrack, DNS, endpoints).
import { cidrLast, cidrOf, formatCIDR, formatIPv4, mustParseIPv4, parseIPv4, parseIPv4Prefix, type Ipv4Cidr } from '@svcnet/ipnet';

export interface IpChoiceInput {
  subnet: string;
  gateway: string;
  used: Iterable<string>;
  lastReserved?: string;
}

/** "10.244.1.0/24"; strict: host bits must be zero, so a typo'd podCIDR fails loudly */
export function parseSubnet(text: string): Ipv4Cidr {
  const p = parseIPv4Prefix(text);
  if (!p) throw new Error(`"${text}" is not an IPv4 CIDR`);
  // a /31 or /32 has no room for a gateway plus pods
  if (p.prefix < 1 || p.prefix > 30) throw new Error(`"${text}": prefix must be /1../30`);
  const c = cidrOf(p.ip, p.prefix);
  if (c.base !== p.ip) throw new Error(`"${text}" has host bits set (network is ${formatCIDR(c)})`);
  return c;
}

/** usable pod addresses: every host address except the gateway (network and broadcast excluded) */
export function poolSize(subnet: string): number {
  return parseSubnet(subnet).size - 3;
}

export function nextFreeIp(o: IpChoiceInput): string | undefined {
  const c = parseSubnet(o.subnet);
  const first = c.base + 1;
  const last = cidrLast(c) - 1;
  const gw = mustParseIPv4(o.gateway);
  const used = new Set<number>();
  for (const ip of o.used) {
    const n = parseIPv4(ip);
    if (n !== null) used.add(n);
  }
  const lr = o.lastReserved ? parseIPv4(o.lastReserved) : null;
  let n = lr !== null && lr >= first && lr <= last ? lr + 1 : first;
  for (let i = 0; i <= last - first; i++, n++) {
    if (n > last) n = first;
    if (n !== gw && !used.has(n)) return formatIPv4(n);
  }
  return undefined;
}
