// What the nftables data path needs from the namespace it runs in: nft, conntrack, and
// IPv4 forwarding (DNATed packets are forwarded to the nodes, not delivered locally).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { NftExecutor } from '@svcnet/nftables';
import type { Logger } from '@svcnet/observability';
import type { DataplaneOptions } from './dataplane';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

export function nftablesDeps(o: { setForwarding: boolean; log?: Logger }): Pick<DataplaneOptions, 'nft' | 'conntrackDelete'> {
  try {
    const on = fs.readFileSync(IP_FORWARD, 'utf8').trim() === '1';
    if (!on && o.setForwarding) {
      fs.writeFileSync(IP_FORWARD, '1');
      o.log?.info('ip_forward switched on in the data path namespace');
    } else if (!on) o.log?.warn('net.ipv4.ip_forward is 0: DNATed LB traffic will not be forwarded (use --netns, or enable it)');
  } catch (e) {
    o.log?.warn('cannot read/set ip_forward', { err: e as Error });
  }
  return { nft: new NftExecutor(), conntrackDelete };
}

/** `conntrack ARGS`, best effort */
export function conntrackDelete(args: string[]): Promise<void> {
  return (
      new Promise((resolve) => {
        // exit 1 = no matching entries: fine. A missing binary: fine too (best effort).
        const p = spawn('conntrack', args, { stdio: 'ignore' });
        p.on('error', () => resolve());
        p.on('close', () => resolve());
      })
  );
}
