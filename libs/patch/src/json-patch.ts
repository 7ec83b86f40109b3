// RFC 6902 JSON patch (kubectl patch --type json). Operations apply in order to a copy;
// the first failing operation aborts the whole patch.
import { cloneJson, isJsonObject, jsonEqual } from './json-value';
import { PatchError } from './patch-error';

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** Splits an RFC 6901 pointer into unescaped tokens. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer "${pointer}": must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function applyJsonPatch<T>(target: T, ops: readonly JsonPatchOperation[]): T {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations');
  let doc: unknown = cloneJson(target);
  for (const [i, op] of ops.entries()) {
    try {
      doc = applyOperation(doc, op);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new PatchError(`json patch operation ${i} (${(op as { op?: string }).op}) failed: ${why}`);
    }
  }
  return doc as T;
}

function applyOperation(doc: unknown, op: JsonPatchOperation): unknown {
  if (typeof op?.path !== 'string') throw new PatchError('missing "path"');
  switch (op.op) {
    case 'add':
      requireValue(op);
      return add(doc, parseJsonPointer(op.path), cloneJson(op.value));
    case 'remove':
      return remove(doc, parseJsonPointer(op.path)).doc;
    case 'replace': {
      requireValue(op);
      const tokens = parseJsonPointer(op.path);
      get(doc, tokens); // must exist
      if (tokens.length === 0) return cloneJson(op.value);
      return add(remove(doc, tokens).doc, tokens, cloneJson(op.value));
    }
    case 'move': {
      const from = parseJsonPointer(requireFrom(op));
      const to = parseJsonPointer(op.path);
      if (to.length > from.length && from.every((t, i) => t === to[i])) {
        throw new PatchError(`cannot move "${op.from}" into its own child "${op.path}"`);
      }
      const removed = remove(doc, from);
      return add(removed.doc, to, removed.value);
    }
    case 'copy':
      return add(doc, parseJsonPointer(op.path), cloneJson(get(doc, parseJsonPointer(requireFrom(op)))));
    case 'test':
      requireValue(op);
      if (!jsonEqual(get(doc, parseJsonPointer(op.path)), op.value)) {
        throw new PatchError(`test failed: value at "${op.path}" differs`);
      }
      return doc;
    default:
      throw new PatchError(`unsupported operation "${(op as { op?: unknown }).op}"`);
  }
}

function requireValue(op: { value?: unknown }): void {
  if (!('value' in op) || op.value === undefined) throw new PatchError('missing "value"');
}

function requireFrom(op: { from?: unknown }): string {
  if (typeof op.from !== 'string') throw new PatchError('missing "from"');
  return op.from;
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`invalid array index "${token}"`);
  const i = Number(token);
  if (i > length || (!allowEnd && i === length)) throw new PatchError(`array index ${i} out of bounds`);
  return i;
}

function get(doc: unknown, tokens: string[]): unknown {
  let cur = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false)];
    else if (isJsonObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw new PatchError(`path "/${tokens.join('/')}" does not exist`);
  }
  return cur;
}

function add(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const parent = get(doc, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true), 0, value);
  else if (isJsonObject(parent)) (parent as Record<string, unknown>)[last] = value;
  else throw new PatchError(`parent of "/${tokens.join('/')}" is not an object or array`);
  return doc;
}

function remove(doc: unknown, tokens: string[]): { doc: unknown; value: unknown } {
  if (tokens.length === 0) return { doc: null, value: doc };
  const parent = get(doc, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const [value] = parent.splice(arrayIndex(last, parent.length, false), 1);
    return { doc, value };
  }
  if (isJsonObject(parent) && Object.prototype.hasOwnProperty.call(parent, last)) {
    const value = parent[last];
    delete parent[last];
    return { doc, value };
  }
  throw new PatchError(`path "/${tokens.join('/')}" does not exist`);
}
