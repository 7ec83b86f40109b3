// The files of configMap, secret, downwardAPI and projected volumes, as the kubelet's volume
// plugins lay them out: every key (or the listed items) a file, modes from defaultMode/mode,
// a missing non-optional source an error that keeps the pod in ContainerCreating. Pure.
import * as path from 'node:path';
import type { ConfigMap, KeyToPath, Pod, Secret, Volume, DownwardAPIVolumeFile } from '@svcnet/api-types';
import { fieldRefValue, resourceFieldValue, type EnvSources, type PodFacts } from './container-env';

export interface VolumeFile {
  /** relative path inside the volume */
  path: string;
  content: Buffer;
  mode: number;
}

export class VolumeSetupError extends Error {}

const DEFAULT_MODE = 0o644;

function fromKeys(data: Record<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, what: 'configmap' | 'secret', optional: boolean): VolumeFile[] {
  if (!items?.length) return Object.entries(data).map(([k, v]) => ({ path: k, content: v, mode: defaultMode }));
  const out: VolumeFile[] = [];
  for (const it of items) {
    const v = data[it.key];
    if (v === undefined) {
      if (optional) continue;
      // the configMap and secret plugins' MakePayload word this differently
      throw new VolumeSetupError(what === 'configmap' ? `configmap references non-existent config key: ${it.key}` : `references non-existent secret key: ${it.key}`);
    }
    out.push({ path: it.path, content: v, mode: it.mode ?? defaultMode });
  }
  return out;
}

function configMapData(cm: ConfigMap): Record<string, Buffer> {
  const d: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(cm.data ?? {})) d[k] = Buffer.from(v, 'utf8');
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) d[k] = Buffer.from(v, 'base64');
  return d;
}

function secretData(s: Secret): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

function downwardFiles(pod: Pod, items: DownwardAPIVolumeFile[] | undefined, defaultMode: number, facts: PodFacts, src: EnvSources): VolumeFile[] {
  return (items ?? []).map((it) => {
    let value = '';
    // the whole label/annotation map (only available to volumes) is one key="value" a line
    if (it.fieldRef) value = fieldRefValue(pod, it.fieldRef.fieldPath, facts);
    else if (it.resourceFieldRef) {
      const c = pod.spec.containers.find((x) => x.name === it.resourceFieldRef!.containerName) ?? pod.spec.containers[0];
      value = resourceFieldValue(pod, c, it.resourceFieldRef, src);
    }
    return { path: path.posix.normalize(it.path), content: Buffer.from(value, 'utf8'), mode: it.mode ?? defaultMode };
  });
}

/** the files of a volume whose content comes from the API, or undefined for other volume types */
export function volumeFiles(pod: Pod, v: Volume, facts: PodFacts, src: EnvSources): VolumeFile[] | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  if (v.configMap) {
    const cm = src.configMap(ns, v.configMap.name ?? '');
    if (!cm) {
      if (v.configMap.optional) return [];
      throw new VolumeSetupError(`configmap "${v.configMap.name}" not found`);
    }
    return fromKeys(configMapData(cm), v.configMap.items, v.configMap.defaultMode ?? DEFAULT_MODE, 'configmap', !!v.configMap.optional);
  }
  if (v.secret) {
    const s = src.secret(ns, v.secret.secretName ?? '');
    if (!s) {
      if (v.secret.optional) return [];
      throw new VolumeSetupError(`secret "${v.secret.secretName}" not found`);
    }
    return fromKeys(secretData(s), v.secret.items, v.secret.defaultMode ?? DEFAULT_MODE, 'secret', !!v.secret.optional);
  }
  if (v.downwardAPI) return downwardFiles(pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_MODE, facts, src);
  if (v.projected) {
    const mode = v.projected.defaultMode ?? DEFAULT_MODE;
    // one payload keyed by path: a later source's file replaces an earlier one's
    const files = new Map<string, VolumeFile>();
    for (const s of v.projected.sources ?? []) {
      let got: VolumeFile[] = [];
      if (s.configMap) got = volumeFiles(pod, { name: v.name, configMap: { ...s.configMap, defaultMode: mode } }, facts, src) ?? [];
      else if (s.secret) got = volumeFiles(pod, { name: v.name, secret: { secretName: s.secret.name, items: s.secret.items, optional: s.secret.optional, defaultMode: mode } }, facts, src) ?? [];
      else if (s.downwardAPI) got = downwardFiles(pod, s.downwardAPI.items, mode, facts, src);
      // serviceAccountToken sources need the TokenRequest API (not served yet): left out
      for (const f of got) files.set(f.path, f);
    }
    return [...files.values()];
  }
  return undefined;
}

/** AtomicWriter's validatePath: the reason a volume file path is refused, or undefined. Not
 *  empty, relative, no '..' element, no leading '..' (that is where ..data and the timestamped
 *  directories live), file names up to 255 and paths up to 4096 characters. */
export function invalidPathReason(p: string): string | undefined {
  if (!p) return `invalid path: must not be empty: ${JSON.stringify(p)}`;
  if (p.startsWith('/')) return `invalid path: must be relative path: ${p}`;
  if (p.length > 4096) return 'invalid path: must be less than or equal to 4096 characters';
  const items = p.split('/');
  for (const item of items) {
    if (item === '..') return `invalid path: must not contain '..': ${p}`;
    if (item.length > 255) return 'invalid path: filenames must be less than or equal to 255 characters';
  }
  if (items[0].startsWith('..') && items[0].length > 2) return `invalid path: must not start with '..': ${p}`;
  return undefined;
}

/** a relative volume path may not escape the volume nor touch the writer's own ..entries */
export function isSafeRelativePath(p: string): boolean {
  return invalidPathReason(p) === undefined;
}
