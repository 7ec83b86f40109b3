// dryRun=All (kubectl diff, --dry-run=server): the request is decoded, patched, defaulted and
// validated like a real one, and the would-be object is returned; nothing is stored and
// nothing allocated (a new Service shows no ClusterIP yet, where Kubernetes would show one).
import { ApiError, apiVersionOf, type KubeObject, type ResourceInfo } from '@svcnet/api-types';
import { defaultObject, invalidError, validateObject } from '@svcnet/validation';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError, type JsonValue, type JsonPatchOperation } from '@svcnet/patch';
import type { ApiCore, PatchKind } from '../registry/api-core';
import { carryOverForUpdate, stampForCreate } from '../registry/object-meta';

export function checkDryRun(v: string | null | undefined): boolean {
  if (!v) return false;
  if (v === 'All') return true;
  throw new ApiError('BadRequest', `Invalid dryRun value: "${v}": supported values: "All"`);
}

function validated(info: ResourceInfo, obj: KubeObject, cur?: KubeObject): KubeObject {
  obj.apiVersion = apiVersionOf(info);
  obj.kind = info.kind;
  const out = defaultObject(info.kind, obj);
  const errs = validateObject(info.kind, out, cur, { beforeAllocation: true });
  if (errs.length) throw invalidError(info.kind, out.metadata.name ?? '', errs, info.group);
  return out;
}

export async function dryRunCreate(core: ApiCore, info: ResourceInfo, namespace: string | undefined, obj: KubeObject): Promise<KubeObject> {
  obj.metadata ??= {};
  if (info.namespaced) obj.metadata.namespace = obj.metadata.namespace || namespace || 'default';
  const name = obj.metadata.name;
  if (name) {
    const exists = await core.get(info.resource, obj.metadata.namespace, name).then(
      () => true,
      () => false,
    );
    if (exists) throw new ApiError('AlreadyExists', `${info.group ? `${info.resource}.${info.group}` : info.resource} "${name}" already exists`, { name, group: info.group, kind: info.resource });
  }
  stampForCreate(obj);
  return validated(info, obj);
}

export async function dryRunUpdate(core: ApiCore, info: ResourceInfo, namespace: string | undefined, obj: KubeObject): Promise<KubeObject> {
  const cur = await core.get(info.resource, namespace, obj.metadata.name!);
  carryOverForUpdate(obj, cur);
  obj.metadata.resourceVersion = cur.metadata.resourceVersion;
  if ('status' in cur) obj.status = cur.status;
  return validated(info, obj, cur);
}

export async function dryRunPatch(core: ApiCore, info: ResourceInfo, namespace: string | undefined, name: string, patchText: string, kind: PatchKind): Promise<KubeObject> {
  const cur = await core.get(info.resource, namespace, name);
  let next: unknown;
  try {
    const doc = JSON.parse(patchText);
    if (kind === 'json') next = applyJsonPatch(cur as unknown as JsonValue, doc as JsonPatchOperation[]);
    else if (kind === 'strategic') next = applyStrategicMergePatch(cur as unknown as JsonValue, doc as JsonValue, info.kind);
    else next = applyMergePatch(cur as unknown as JsonValue, doc as JsonValue);
  } catch (e) {
    if (e instanceof PatchError || e instanceof SyntaxError) throw new ApiError('BadRequest', e.message);
    throw e;
  }
  const obj = next as KubeObject;
  carryOverForUpdate(obj, cur);
  obj.metadata.resourceVersion = cur.metadata.resourceVersion;
  return validated(info, obj, cur);
}
