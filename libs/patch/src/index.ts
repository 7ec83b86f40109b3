export type { JsonValue, JsonObject } from './json-value';
export { PatchError } from './patch-error';
export { applyMergePatch } from './merge-patch';
export { applyStrategicMergePatch } from './strategic-merge-patch';
export { listStrategyFor, type ListStrategy } from './patch-strategies';
export { applyJsonPatch, parseJsonPointer, type JsonPatchOperation } from './json-patch';
