// Kubernetes strategic merge patch (kubectl apply / kubectl patch --type strategic).
// Like a JSON merge patch, except lists listed in patch-strategies are merged item by
// item on their merge key, and the $-directives kubectl emits are honoured.
import { cloneJson, isJsonObject, jsonEqual, type JsonObject } from './json-value';
import { listStrategyFor, type ListStrategy } from './patch-strategies';
import { PatchError } from './patch-error';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

export function applyStrategicMergePatch<T>(target: T, patch: unknown, kind: string): T {
  if (!isJsonObject(patch)) throw new PatchError('a strategic merge patch must be a JSON object');
  const base = isJsonObject(target) ? (target as unknown as JsonObject) : {};
  const merged = mergeObject(base, patch, kind, '');
  return (merged ?? {}) as T;
}

function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Merges a patch map into a copy of original; undefined means "delete this map". */
function mergeObject(original: JsonObject, patch: JsonObject, kind: string, path: string): JsonObject | undefined {
  const directive = patch[PATCH];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(patch);
  if (directive !== undefined && directive !== 'merge') throw new PatchError(`unknown patch type: ${String(directive)}`);

  const out = cloneJson(original);
  for (const [key, value] of Object.entries(patch)) {
    if (key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      if (Array.isArray(out[field]) && Array.isArray(value)) {
        out[field] = (out[field] as unknown[]).filter((x) => !value.some((v) => jsonEqual(v, x))) as JsonObject[];
      }
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const p = childPath(path, key);
    if (isJsonObject(value)) {
      const merged = mergeObject(isJsonObject(out[key]) ? (out[key] as JsonObject) : {}, value, kind, p);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else if (Array.isArray(value)) {
      out[key] = mergeList(Array.isArray(out[key]) ? (out[key] as unknown[]) : [], value, listStrategyFor(kind, p), kind, p) as JsonObject[];
    } else {
      out[key] = value;
    }
  }

  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !Array.isArray(order)) continue;
    const field = key.slice(SET_ELEMENT_ORDER.length);
    if (Array.isArray(out[field])) {
      out[field] = applyElementOrder(out[field] as unknown[], order, listStrategyFor(kind, childPath(path, field))) as JsonObject[];
    }
  }

  // $retainKeys: fields absent from the list are cleared (used with union types such as strategy).
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(out)) if (!retain.includes(key)) delete out[key];
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], strategy: ListStrategy | undefined, kind: string, path: string): unknown[] {
  const replaceAll = patch.some((x) => isJsonObject(x) && x[PATCH] === 'replace' && Object.keys(x).length === 1);
  const items = patch.filter((x) => !(isJsonObject(x) && x[PATCH] === 'replace' && Object.keys(x).length === 1));
  if (!strategy || replaceAll) return items.map((x) => (isJsonObject(x) ? stripDirectives(x) : cloneJson(x)));

  if ('primitiveSet' in strategy) {
    const out = cloneJson(original);
    for (const x of items) if (!out.some((y) => jsonEqual(x, y))) out.push(cloneJson(x));
    return out;
  }

  const key = strategy.mergeKey;
  const out = cloneJson(original);
  const itemPath = `${path}[]`;
  for (const item of items) {
    if (!isJsonObject(item)) throw new PatchError(`${path}: list items must be objects with merge key "${key}"`);
    if (!(key in item)) throw new PatchError(`${path}: map item does not contain merge key "${key}"`);
    const at = out.findIndex((o) => isJsonObject(o) && jsonEqual(o[key], item[key]));
    if (item[PATCH] === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    const merged = mergeObject(at >= 0 ? (out[at] as JsonObject) : {}, item, kind, itemPath);
    if (merged === undefined) continue;
    if (at >= 0) out[at] = merged;
    else out.push(merged);
  }
  return out;
}

/** Sorts a merged list by $setElementOrder; items it does not mention keep their relative order at the end. */
function applyElementOrder(list: unknown[], order: unknown[], strategy: ListStrategy | undefined): unknown[] {
  const identity = (x: unknown): unknown =>
    strategy && 'mergeKey' in strategy && isJsonObject(x) ? x[strategy.mergeKey] : x;
  const orderIds = order.map(identity);
  const rank = (x: unknown): number => {
    const i = orderIds.findIndex((id) => jsonEqual(id, identity(x)));
    return i < 0 ? orderIds.length : i;
  };
  return list
    .map((x, i) => ({ x, i, r: rank(x) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((e) => e.x);
}

/** A replaced or newly added value: drop directives and null-valued keys, recursively. */
function stripDirectives(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$') || v === null) continue;
    if (isJsonObject(v)) out[k] = stripDirectives(v);
    else if (Array.isArray(v)) out[k] = v.map((x) => (isJsonObject(x) ? stripDirectives(x) : cloneJson(x)));
    else out[k] = v;
  }
  return out;
}
