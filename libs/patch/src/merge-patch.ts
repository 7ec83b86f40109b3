// RFC 7386 JSON merge patch (kubectl patch --type merge).
import { cloneJson, isJsonObject } from './json-value';

export function applyMergePatch<T>(target: T, patch: unknown): T {
  return mergeInto(target, patch) as T;
}

function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const out: Record<string, unknown> = isJsonObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeInto(out[key], value);
  }
  return out;
}
