// Conntrack cleanup for UDP, which has no connection end. Two cases, as in kube-proxy:
// - an endpoint went away: flows still DNATed to it must go (staleUdpEndpoints);
// - a service port got its first endpoint: flows created while it was rejected would
//   otherwise keep bypassing the new DNAT until they time out.
import { conntrackDeleteArgs, staleUdpEndpoints, type Ruleset, type UdpEndpoint } from '@svcnet/proxy-rules';

export function udpConntrackDeletions(prev: Ruleset | undefined, next: Ruleset): string[][] {
  if (!prev) return [];
  const args = conntrackDeleteArgs(staleUdpEndpoints(prev, next));
  const had = new Set(prev.udpEndpoints.map((u) => u.servicePortName));
  const gained = new Map<string, UdpEndpoint>();
  for (const u of next.udpEndpoints) if (!had.has(u.servicePortName) && !gained.has(u.servicePortName)) gained.set(u.servicePortName, u);
  for (const u of gained.values()) {
    for (const ip of u.frontendIPs) args.push(['-D', '-p', 'udp', '--orig-dst', ip, '--orig-port-dst', String(u.port)]);
    if (u.nodePort !== undefined) args.push(['-D', '-p', 'udp', '--orig-port-dst', String(u.nodePort)]);
  }
  return args;
}
