// expectedState: what the kernel holds right after a Ruleset was applied, as a TableState.
// Incremental syncs diff against this instead of reading the kernel back (`nft -j list` of a
// table with 10k+ services takes seconds); full syncs read the kernel and repair any drift.
import type { TableState } from '@svcnet/nftables';
import type { Ruleset } from './ruleset';

export function expectedState(rs: Ruleset): TableState {
  const state: TableState = { family: rs.family, name: rs.table, chains: {}, sets: {} };
  for (const c of rs.chains) {
    state.chains[c.name] = { name: c.name, ...(c.base ? { base: c.base } : {}), rules: c.rules.map((r, i) => ({ handle: i + 1, comment: r.comment })) };
  }
  for (const s of rs.sets) {
    state.sets[s.name] = {
      name: s.name,
      kind: s.kind,
      ...(s.type !== undefined ? { type: s.type } : {}),
      flags: [...(s.flags ?? [])],
      ...(s.timeoutSeconds !== undefined ? { timeoutSeconds: s.timeoutSeconds } : {}),
      elements: s.flags?.includes('dynamic') ? [] : s.elements,
    };
  }
  return state;
}
