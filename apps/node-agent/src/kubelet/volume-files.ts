// The files of configMap, secret, downwardAPI and projected volumes, as the kubelet's volume
// plugins lay them out: every key (or the listed items) a file, modes from defaultMode/mode,
// a missing non-optional source an error that keeps the pod in ContainerCreating. Pure.
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

function fromKeys(data: Record<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, what: string, optional: boolean): VolumeFile[] {
  if (!items?.length) return Object.entries(data).map(([k, v]) => ({ path: k, content: v, mode: defaultMode }));
  const out: VolumeFile[] = [];
  for (const it of items) {
    const v = data[it.key];
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeSetupError(`configmap references non-existent config key: ${it.key}`.replace('configmap', what));
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
    if (it.fieldRef) {
      const fp = it.fieldRef.fieldPath;
      // the whole label/annotation map is only available to volumes, one key="value" a line
      if (fp === 'metadata.labels' || fp === 'metadata.annotations') {
        const m = (fp === 'metadata.labels' ? pod.metadata.labels : pod.metadata.annotations) ?? {};
        value = Object.keys(m).sort().map((k) => `${k}=${JSON.stringify(m[k])}`).join('\n');
      } else value = fieldRefValue(pod, fp, facts);
    } else if (it.resourceFieldRef) {
      const c = pod.spec.containers.find((x) => x.name === it.resourceFieldRef!.containerName) ?? pod.spec.containers[0];
      value = resourceFieldValue(pod, c, it.resourceFieldRef, src);
    }
    return { path: it.path, content: Buffer.from(value, 'utf8'), mode: it.mode ?? defaultMode };
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
    const files: VolumeFile[] = [];
    for (const s of v.projected.sources ?? []) {
      if (s.configMap) files.push(...(volumeFiles(pod, { name: v.name, configMap: { ...s.configMap, defaultMode: mode } }, facts, src) ?? []));
      else if (s.secret) files.push(...(volumeFiles(pod, { name: v.name, secret: { secretName: s.secret.name, items: s.secret.items, optional: s.secret.optional, defaultMode: mode } }, facts, src) ?? []));
      else if (s.downwardAPI) files.push(...downwardFiles(pod, s.downwardAPI.items, mode, facts, src));
      // serviceAccountToken sources need the TokenRequest API (not served yet): left out
    }
    return files;
  }
  return undefined;
}

/** a relative volume path may not escape the volume */
export function isSafeRelativePath(p: string): boolean {
  return !!p && !p.startsWith('/') && !p.split('/').includes('..');
}
