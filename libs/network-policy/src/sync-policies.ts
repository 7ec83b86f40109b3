// One NetworkPolicy sync: compile, render, diff against the kernel's table (or against what
// the previous sync left there), apply as one atomic transaction.
import type { Nftables, TableState, Transaction } from '@svcnet/nftables';
import { diff, expectedState, type Ruleset } from '@svcnet/proxy-rules';
import { compilePolicies, type PolicyInput } from './compile';
import { renderPolicyRuleset } from './render-ruleset';
import { DEFAULT_TABLE } from './table-layout';

export interface PolicySyncResult {
  ruleset: Ruleset;
  transaction: Transaction;
  /** what the kernel holds now: the base of the next incremental sync */
  state: TableState;
}

/** With `previous`, diffs against it (incremental); without, reads the kernel (full sync, repairs drift). */
export async function syncPolicies(nft: Nftables, input: PolicyInput, table = DEFAULT_TABLE, previous?: TableState): Promise<PolicySyncResult> {
  const ruleset = renderPolicyRuleset(compilePolicies(input), table);
  const current = previous ?? (await nft.read('ip', table));
  const transaction = diff(current, ruleset);
  if (!transaction.isEmpty()) await nft.apply(transaction);
  return { ruleset, transaction, state: expectedState(ruleset) };
}
