// UDP has no connection end: conntrack keeps sending a client's flow to a removed endpoint
// until the entry times out. The node-agent deletes those entries; these helpers say which.
import type { Ruleset, UdpEndpoint } from './ruleset';

const keyOf = (u: UdpEndpoint) => `${u.servicePortName}|${u.endpointIP}|${u.endpointPort}`;

// UDP endpoints present in prev but not in next.
export function staleUdpEndpoints(prev: Ruleset | undefined, next: Ruleset): UdpEndpoint[] {
  if (!prev) return [];
  const still = new Set(next.udpEndpoints.map(keyOf));
  return prev.udpEndpoints.filter((u) => !still.has(keyOf(u)));
}

// Argument vectors for the conntrack(8) tool, one per frontend (and the NodePort), e.g.
// ["-D", "-p", "udp", "--orig-dst", "10.96.0.10", "--dst-nat", "10.244.1.5"].
export function conntrackDeleteArgs(stale: UdpEndpoint[]): string[][] {
  const out: string[][] = [];
  for (const u of stale) {
    for (const ip of u.frontendIPs) out.push(['-D', '-p', 'udp', '--orig-dst', ip, '--dst-nat', u.endpointIP]);
    if (u.nodePort !== undefined) {
      out.push(['-D', '-p', 'udp', '--orig-port-dst', String(u.nodePort), '--dst-nat', u.endpointIP]);
    }
  }
  return out;
}
