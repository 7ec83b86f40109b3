// parseTableJson turns `nft -j list table FAMILY NAME` output into a TableState. Elements are
// normalised to the same canonical text that element() produces, so desired and actual
// state compare as plain strings.
import type { BaseChain, ChainState, Element, Family, SetState, TableState } from './model';

// JSON from `nft -j`: its shape varies by object kind; fields are checked where they are read.
type Json = any;

export function parseTableJson(jsonText: string, family: Family, table: string): TableState {
  const doc: Json = JSON.parse(jsonText);
  const state: TableState = { family, name: table, chains: {}, sets: {} };
  const items: Json[] = Array.isArray(doc?.nftables) ? doc.nftables : [];
  for (const item of items) {
    if (item.chain && item.chain.table === table) {
      const c = item.chain;
      const chain: ChainState = { name: c.name, rules: [] };
      if (c.hook) {
        const base: BaseChain = { type: c.type, hook: c.hook, priority: Number(c.prio) };
        if (c.policy) base.policy = c.policy;
        chain.base = base;
      }
      state.chains[c.name] = chain;
    }
  }
  for (const item of items) {
    const s = item.set ?? item.map;
    if (s && s.table === table) {
      const set: SetState = {
        name: s.name,
        kind: item.map ? 'map' : 'set',
        type: Array.isArray(s.type) ? s.type.join(' . ') : s.type,
        flags: Array.isArray(s.flags) ? s.flags : [],
        elements: Array.isArray(s.elem) ? s.elem.map((e: Json) => parseElement(e, !!item.map)) : [],
      };
      if (typeof s.timeout === 'number') set.timeoutSeconds = s.timeout;
      state.sets[s.name] = set;
    }
    const r = item.rule;
    if (r && r.table === table) {
      const chain = state.chains[r.chain] ?? (state.chains[r.chain] = { name: r.chain, rules: [] });
      chain.rules.push(r.comment !== undefined ? { handle: r.handle, comment: r.comment } : { handle: r.handle });
    }
  }
  return state;
}

function parseElement(e: Json, isMap: boolean): Element {
  if (isMap && Array.isArray(e)) {
    const key = parseKey(e[0]);
    return { ...key, value: valueText(e[1]) };
  }
  return parseKey(e);
}

function parseKey(k: Json): Element {
  // {"elem": {"val": X, "timeout": n, "expires": n}} wraps elements with per-element data.
  if (k && typeof k === 'object' && k.elem) {
    const inner = parseKey(k.elem.val);
    if (typeof k.elem.timeout === 'number') inner.timeoutSeconds = k.elem.timeout;
    return inner;
  }
  return { key: keyText(k) };
}

function keyText(k: Json): string {
  if (typeof k === 'string' || typeof k === 'number') return String(k);
  if (k && Array.isArray(k.concat)) return k.concat.map(keyText).join(' . ');
  if (k && k.prefix) return `${keyText(k.prefix.addr)}/${k.prefix.len}`;
  if (k && Array.isArray(k.range)) return `${keyText(k.range[0])}-${keyText(k.range[1])}`;
  throw new Error(`nft reader: unsupported element key ${JSON.stringify(k)}`);
}

function valueText(v: Json): string {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (v && typeof v === 'object') {
    const [verdict] = Object.keys(v);
    if ((verdict === 'goto' || verdict === 'jump') && v[verdict]?.target) return `${verdict} ${v[verdict].target}`;
    if (['accept', 'drop', 'return', 'continue'].includes(verdict)) return verdict;
    if (v.concat || v.prefix) return keyText(v);
  }
  throw new Error(`nft reader: unsupported element value ${JSON.stringify(v)}`);
}
