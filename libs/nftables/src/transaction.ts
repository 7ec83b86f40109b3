// A Transaction is an ordered list of operations on one table, applied all-or-nothing by
// a single `nft -f -` (the kernel commits an nft batch atomically). Build it, then hand it to
// an Nftables implementation (the real executor or the fake).
import type { ChainSpec, Element, Family, SetSpec } from './model';
import type { RuleText } from './rule-text';
import { assertValidName } from './names';

export type Operation =
  | { verb: 'add' | 'flush' | 'delete'; kind: 'table' }
  | { verb: 'add'; kind: 'chain'; chain: ChainSpec }
  | { verb: 'flush' | 'delete'; kind: 'chain'; name: string }
  | { verb: 'add'; kind: 'set'; set: SetSpec }
  | { verb: 'flush' | 'delete'; kind: 'set'; name: string }
  | { verb: 'add' | 'delete'; kind: 'element'; set: string; elements: Element[] }
  | { verb: 'add'; kind: 'rule'; chain: string; text: RuleText; comment?: string };

const COMMENT_RE = /^[A-Za-z0-9 ./:_-]{1,128}$/;
const KEY_RE = /^[A-Za-z0-9 ./:_-]+$/;

export class Transaction {
  private readonly list: Operation[] = [];

  constructor(
    readonly family: Family,
    readonly table: string,
  ) {
    assertValidName(table, 'table name');
  }

  get operations(): readonly Operation[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  isEmpty(): boolean {
    return this.list.length === 0;
  }

  addTable(): this {
    return this.push({ verb: 'add', kind: 'table' });
  }

  flushTable(): this {
    return this.push({ verb: 'flush', kind: 'table' });
  }

  deleteTable(): this {
    return this.push({ verb: 'delete', kind: 'table' });
  }

  addChain(chain: ChainSpec): this {
    assertValidName(chain.name, 'chain name');
    if (chain.base && !Number.isInteger(chain.base.priority)) throw new Error(`chain ${chain.name}: bad priority`);
    return this.push({ verb: 'add', kind: 'chain', chain });
  }

  flushChain(name: string): this {
    return this.push({ verb: 'flush', kind: 'chain', name: assertValidName(name, 'chain name') });
  }

  deleteChain(name: string): this {
    return this.push({ verb: 'delete', kind: 'chain', name: assertValidName(name, 'chain name') });
  }

  addSet(set: SetSpec): this {
    assertValidName(set.name, 'set name');
    const typeText = set.type ?? set.typeOf;
    if ((set.type === undefined) === (set.typeOf === undefined) || !/^[a-z0-9_ .]+$/.test(typeText ?? '')) {
      throw new Error(`set ${set.name}: exactly one valid type or typeOf is required`);
    }
    if (set.kind === 'map' && !/^[a-z0-9_]+$/.test(set.valueType ?? '')) {
      throw new Error(`map ${set.name}: valueType is required`);
    }
    if (set.timeoutSeconds !== undefined && (!Number.isInteger(set.timeoutSeconds) || set.timeoutSeconds < 1)) {
      throw new Error(`set ${set.name}: bad timeout`);
    }
    return this.push({ verb: 'add', kind: 'set', set });
  }

  flushSet(name: string): this {
    return this.push({ verb: 'flush', kind: 'set', name: assertValidName(name, 'set name') });
  }

  deleteSet(name: string): this {
    return this.push({ verb: 'delete', kind: 'set', name: assertValidName(name, 'set name') });
  }

  addElements(set: string, elements: Element[]): this {
    if (elements.length === 0) return this;
    return this.push({ verb: 'add', kind: 'element', set: assertValidName(set, 'set name'), elements: elements.map(checkElement) });
  }

  deleteElements(set: string, elements: Element[]): this {
    if (elements.length === 0) return this;
    // Deleting only needs the key; dropping the value keeps the rendered text minimal.
    const keys = elements.map((e) => checkElement({ key: e.key }));
    return this.push({ verb: 'delete', kind: 'element', set: assertValidName(set, 'set name'), elements: keys });
  }

  addRule(chain: string, text: RuleText, comment?: string): this {
    assertValidName(chain, 'chain name');
    if (typeof text !== 'string' || /[;"#\n\r\\]/.test(text) || text.trim() === '') throw new Error(`unsafe rule text: ${JSON.stringify(text)}`);
    if (comment !== undefined && !COMMENT_RE.test(comment)) throw new Error(`invalid rule comment: ${JSON.stringify(comment)}`);
    return this.push({ verb: 'add', kind: 'rule', chain, text, comment });
  }

  private push(op: Operation): this {
    this.list.push(op);
    return this;
  }
}

function checkElement(e: Element): Element {
  if (!KEY_RE.test(e.key) || (e.value !== undefined && !KEY_RE.test(e.value))) {
    throw new Error(`invalid element ${JSON.stringify(e)}`);
  }
  return e;
}
