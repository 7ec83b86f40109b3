// syncRules: one proxy sync as the node-agent runs it: render, read the kernel, diff, apply
// (one atomic transaction), and report which UDP endpoints went away since the previous
// sync so the caller can clear their conntrack entries.
import type { Nftables, Transaction } from '@svcnet/nftables';
import { diff } from './diff';
import type { ProxyState } from './proxy-state';
import { renderRuleset } from './render-ruleset';
import type { Ruleset, UdpEndpoint } from './ruleset';
import { staleUdpEndpoints } from './stale-udp';

export interface SyncResult {
  ruleset: Ruleset;
  transaction: Transaction;
  staleUdp: UdpEndpoint[];
}

export async function syncRules(nft: Nftables, state: ProxyState, previous?: Ruleset): Promise<SyncResult> {
  const ruleset = renderRuleset(state);
  const transaction = diff(await nft.read(ruleset.family, ruleset.table), ruleset);
  await nft.apply(transaction);
  return { ruleset, transaction, staleUdp: staleUdpEndpoints(previous, ruleset) };
}
