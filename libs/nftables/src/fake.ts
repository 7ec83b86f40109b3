// FakeNftables is an in-memory Nftables for unit tests. It applies transactions to a model
// with the kernel's rules that matter to callers: all-or-nothing, "add" is idempotent,
// deleting something missing, busy (non-empty or referenced) fails, a map key cannot be
// re-added with a different value, rules may only reference existing chains and sets.
import type { Family, SetState, TableState } from './model';
import { NftError, type Nftables } from './nftables';
import { render } from './render';
import type { Operation, Transaction } from './transaction';

export class FakeNftables implements Nftables {
  private tables = new Map<string, TableState>();
  private nextHandle = 1;
  // Every successfully applied transaction, in order, for assertions.
  readonly applied: Transaction[] = [];

  async apply(tx: Transaction): Promise<void> {
    const key = `${tx.family} ${tx.table}`;
    const before = this.tables.get(key);
    let table = before ? structuredClone(before) : undefined;
    for (const op of tx.operations) {
      try {
        table = this.applyOp(table, tx, op);
      } catch (e) {
        const msg = (e as Error).message;
        throw new NftError(`nft -f failed: ${msg}`, msg, render(tx));
      }
    }
    if (table) this.tables.set(key, table);
    else this.tables.delete(key);
    this.applied.push(tx);
  }

  async read(family: Family, table: string): Promise<TableState | undefined> {
    const t = this.tables.get(`${family} ${table}`);
    return t ? structuredClone(t) : undefined;
  }

  private applyOp(t: TableState | undefined, tx: Transaction, op: Operation): TableState | undefined {
    if (op.kind === 'table') {
      if (op.verb === 'add') return t ?? { family: tx.family, name: tx.table, chains: {}, sets: {} };
      if (!t) throw new Error(`No such file or directory: table ${tx.table}`);
      if (op.verb === 'delete') return undefined;
      for (const c of Object.values(t.chains)) c.rules = [];
      return t;
    }
    if (!t) throw new Error(`No such file or directory: table ${tx.table}`);
    switch (op.kind) {
      case 'chain': {
        if (op.verb === 'add') {
          if (!t.chains[op.chain.name]) t.chains[op.chain.name] = { name: op.chain.name, ...(op.chain.base ? { base: { ...op.chain.base } } : {}), rules: [] };
          return t;
        }
        const c = t.chains[op.name];
        if (!c) throw new Error(`No such file or directory: chain ${op.name}`);
        if (op.verb === 'flush') c.rules = [];
        else {
          if (c.rules.length > 0) throw new Error(`Device or resource busy: chain ${op.name} is not empty`);
          if (referencesChain(t, op.name)) throw new Error(`Device or resource busy: chain ${op.name} is referenced`);
          delete t.chains[op.name];
        }
        return t;
      }
      case 'set': {
        if (op.verb === 'add') {
          const s = op.set;
          if (!t.sets[s.name]) {
            const state: SetState = { name: s.name, kind: s.kind, type: s.type ?? s.typeOf, flags: [...(s.flags ?? [])], elements: [] };
            if (s.timeoutSeconds !== undefined) state.timeoutSeconds = s.timeoutSeconds;
            t.sets[s.name] = state;
          }
          return t;
        }
        const s = t.sets[op.name];
        if (!s) throw new Error(`No such file or directory: set ${op.name}`);
        if (op.verb === 'flush') s.elements = [];
        else {
          if (Object.values(t.chains).some((c) => c.rules.some((r) => (r.text ?? '').includes(`@${op.name}`)))) {
            throw new Error(`Device or resource busy: set ${op.name} is referenced`);
          }
          delete t.sets[op.name];
        }
        return t;
      }
      case 'element': {
        const s = t.sets[op.set];
        if (!s) throw new Error(`No such file or directory: set ${op.set}`);
        for (const e of op.elements) {
          const i = s.elements.findIndex((x) => x.key === e.key);
          if (op.verb === 'add') {
            if (e.value !== undefined) assertTarget(t, e.value);
            if (i < 0) s.elements.push({ ...e });
            else if (s.elements[i].value !== e.value) throw new Error(`File exists: element ${e.key} in ${op.set}`);
          } else {
            if (i < 0) throw new Error(`No such file or directory: element ${e.key} in ${op.set}`);
            s.elements.splice(i, 1);
          }
        }
        return t;
      }
      case 'rule': {
        const c = t.chains[op.chain];
        if (!c) throw new Error(`No such file or directory: chain ${op.chain}`);
        for (const m of op.text.matchAll(/\b(?:goto|jump) ([A-Za-z][A-Za-z0-9/_.-]*)/g)) assertTarget(t, `goto ${m[1]}`);
        for (const m of op.text.matchAll(/@([A-Za-z][A-Za-z0-9/_.-]*)/g)) {
          if (!t.sets[m[1]]) throw new Error(`No such file or directory: set ${m[1]}`);
        }
        c.rules.push({ handle: this.nextHandle++, text: op.text, ...(op.comment !== undefined ? { comment: op.comment } : {}) });
        return t;
      }
    }
  }
}

function assertTarget(t: TableState, verdict: string): void {
  const m = /^(?:goto|jump) (\S+)$/.exec(verdict);
  if (m && !t.chains[m[1]]) throw new Error(`No such file or directory: chain ${m[1]}`);
}

function referencesChain(t: TableState, name: string): boolean {
  const re = new RegExp(`\\b(?:goto|jump) ${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![A-Za-z0-9/_.-])`);
  if (Object.values(t.chains).some((c) => c.rules.some((r) => re.test(r.text ?? '')))) return true;
  return Object.values(t.sets).some((s) => s.elements.some((e) => e.value === `goto ${name}` || e.value === `jump ${name}`));
}
