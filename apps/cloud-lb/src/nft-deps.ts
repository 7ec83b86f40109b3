// What the nftables data path needs from the namespace it runs in: nft, conntrack, and
// IPv4 forwarding (DNATed packets are forwarded to the nodes, not delivered locally).
import { SYSCTL, getOwnSysctl, runConntrack, setOwnSysctl } from '@svcnet/netns';
import { NftExecutor } from '@svcnet/nftables';
import type { Logger } from '@svcnet/observability';
import type { DataplaneOptions } from './dataplane';

export function nftablesDeps(o: { setForwarding: boolean; log?: Logger }): Pick<DataplaneOptions, 'nft' | 'conntrackDelete'> {
  try {
    const on = getOwnSysctl(SYSCTL.ipForward) === '1';
    if (!on && o.setForwarding) {
      setOwnSysctl(SYSCTL.ipForward, 1);
      o.log?.info('ip_forward switched on in the data path namespace');
    } else if (!on) o.log?.warn('net.ipv4.ip_forward is 0: DNATed LB traffic will not be forwarded (use --netns, or enable it)');
  } catch (e) {
    o.log?.warn('cannot read/set ip_forward', { err: e as Error });
  }
  return { nft: new NftExecutor(), conntrackDelete };
}

/** `conntrack ARGS`, best effort */
export async function conntrackDelete(args: string[]): Promise<void> {
  // no matching entries: fine. A missing binary: fine too (best effort).
  await runConntrack(args);
}
