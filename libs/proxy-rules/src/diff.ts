// diff: the smallest transaction that turns what the kernel has into the desired Ruleset.
// Rules are compared by their content-id comments; a chain whose rule ids differ is flushed
// and rewritten in the same transaction, so there is never a moment without rules.
//
// Order matters inside the transaction: everything new is added before anything points to
// it, and everything old is unreferenced (flushed, removed from maps) before it is deleted.
import { Transaction, type Element, type TableState } from '@svcnet/nftables';
import type { DesiredChain, Ruleset } from './ruleset';

export function diff(current: TableState | undefined, desired: Ruleset): Transaction {
  const tx = new Transaction(desired.family, desired.table);
  if (!current) tx.addTable();
  const curChains = current?.chains ?? {};
  const curSets = current?.sets ?? {};
  const wantChains = new Set(desired.chains.map((c) => c.name));
  const wantSets = new Set(desired.sets.map((s) => s.name));

  // 1. New chains and sets (empty), so rules and elements below can reference them.
  const rewritten: DesiredChain[] = [];
  for (const c of desired.chains) {
    const cur = curChains[c.name];
    if (!cur) {
      tx.addChain(c);
      rewritten.push(c);
    } else if (!sameBase(cur.base, c.base)) {
      // A base chain's hook/priority cannot change in place; base chains are never jump
      // targets, so flush+delete+add within this transaction is safe.
      tx.flushChain(c.name).deleteChain(c.name).addChain(c);
      rewritten.push(c);
    } else if (!sameRules(cur.rules.map((r) => r.comment), c.rules.map((r) => r.comment))) {
      tx.flushChain(c.name);
      rewritten.push(c);
    }
  }
  for (const s of desired.sets) if (!curSets[s.name]) tx.addSet(s);

  // 2. Rules of new and changed chains.
  for (const c of rewritten) for (const r of c.rules) tx.addRule(c.name, r.text, r.comment);

  // 3. Elements: remove stale or changed (a map value changes by delete+add), then add.
  for (const s of desired.sets) {
    // Dynamic sets (affinity) are filled by the kernel; their elements are not ours to sync.
    if (s.flags?.includes('dynamic')) continue;
    const have = new Map((curSets[s.name]?.elements ?? []).map((e) => [e.key, e]));
    const want = new Map(s.elements.map((e) => [e.key, e]));
    const remove: Element[] = [];
    const add: Element[] = [];
    for (const [k, e] of have) {
      const w = want.get(k);
      if (!w || w.value !== e.value) remove.push(e);
    }
    for (const [k, e] of want) {
      const h = have.get(k);
      if (!h || h.value !== e.value) add.push(e);
    }
    tx.deleteElements(s.name, remove);
    tx.addElements(s.name, add);
  }

  // 4. Old chains: flush all first (they may jump to each other), then delete sets and chains.
  const oldChains = Object.keys(curChains).filter((n) => !wantChains.has(n));
  for (const n of oldChains) if (curChains[n].rules.length > 0) tx.flushChain(n);
  for (const n of Object.keys(curSets)) if (!wantSets.has(n)) tx.deleteSet(n);
  for (const n of oldChains) tx.deleteChain(n);
  return tx;
}

function sameRules(a: (string | undefined)[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameBase(a: DesiredChain['base'], b: DesiredChain['base']): boolean {
  if (!a || !b) return !a && !b;
  return a.type === b.type && a.hook === b.hook && a.priority === b.priority && (a.policy ?? 'accept') === (b.policy ?? 'accept');
}
