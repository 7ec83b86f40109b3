// Pod volumes and container volume mounts (ValidateVolumes, ValidateVolumeMounts), with
// Kubernetes' paths and wording. Sources svcnet has no plugin for are refused.
import { VOLUME_SOURCES, parseQuantity, type DownwardAPIVolumeFile, type KeyToPath, type Volume, type VolumeMount } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isDNS1123Label, isDNS1123Subdomain } from './name-formats';
import { validateObjectFieldSelector, validateResourceFieldSelector, DOWNWARD_API_VOLUME_FIELDS } from './downward-api-validation';

// What Kubernetes names in "may not specify more than 1 volume type", in its check order.
const SOURCE_ORDER = ['emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker',
  'persistentVolumeClaim', 'rbd', 'quobyte', 'cinder', 'cephfs', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile', 'vsphereVolume',
  'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'csi', 'scaleIO', 'storageos', 'projected', 'ephemeral', 'image'];
const SUPPORTED = new Set<string>(VOLUME_SOURCES);
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

function validateMode(mode: number | undefined, path: string): FieldError[] {
  return mode !== undefined && (mode > 0o777 || mode < 0) ? [FieldError.invalid(path, mode, FILE_MODE_ERROR)] : [];
}

/** validatePathNoBacksteps: no ".." element. */
export function validatePathNoBacksteps(p: string, path: string): FieldError[] {
  return p.split('/').includes('..') ? [FieldError.invalid(path, p, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative, no "..". */
export function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(FieldError.invalid(path, p, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(p, path));
  return errs;
}

/** validateLocalNonReservedPath: also may not start with ".." (the kubelet's atomic-writer dirs). */
function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..')) errs.push(FieldError.invalid(path, p, "must not start with '..'"));
  return errs;
}

function validateKeyToPaths(items: KeyToPath[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((it, i) => {
    const p = `${path}.items[${i}]`;
    if (!it.key) errs.push(FieldError.required(`${p}.key`));
    if (!it.path) errs.push(FieldError.required(`${p}.path`));
    else errs.push(...validateLocalNonReservedPath(it.path, `${p}.path`));
    errs.push(...validateMode(it.mode, `${p}.mode`));
  });
  return errs;
}

function validateDownwardAPIFiles(items: DownwardAPIVolumeFile[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((f, i) => {
    const p = `${path}[${i}]`;
    if (!f.path) errs.push(FieldError.required(`${p}.path`));
    else errs.push(...validateLocalNonReservedPath(f.path, `${p}.path`));
    if (f.fieldRef) {
      errs.push(...validateObjectFieldSelector(f.fieldRef, DOWNWARD_API_VOLUME_FIELDS, `${p}.fieldRef`));
      if (f.resourceFieldRef) errs.push(FieldError.invalid(p, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    } else if (f.resourceFieldRef) {
      errs.push(...validateResourceFieldSelector(f.resourceFieldRef, `${p}.resourceFieldRef`, true));
    } else {
      errs.push(FieldError.required(p, 'one of fieldRef and resourceFieldRef is required'));
    }
    errs.push(...validateMode(f.mode, `${p}.mode`));
  });
  return errs;
}

function validateSource(v: Volume, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const raw = v as unknown as Record<string, unknown>;
  const set = SOURCE_ORDER.filter((s) => raw[s] !== undefined && raw[s] !== null);
  if (set.length === 0) return [FieldError.required(path, 'must specify a volume type')];
  for (const extra of set.slice(1)) errs.push(FieldError.forbidden(`${path}.${extra}`, 'may not specify more than 1 volume type'));
  for (const s of set) {
    if (!SUPPORTED.has(s)) errs.push(FieldError.forbidden(`${path}.${s}`, `svcnet supports only ${VOLUME_SOURCES.join(', ')} volumes`));
  }
  if (v.emptyDir?.sizeLimit !== undefined) {
    let negative = false;
    try {
      negative = parseQuantity(v.emptyDir.sizeLimit).nanos < 0n;
    } catch {
      // unparsable: reported like a negative size, as Kubernetes does
      negative = true;
    }
    if (negative) errs.push(FieldError.forbidden(`${path}.emptyDir.sizeLimit`, 'SizeLimit field must be a valid resource quantity'));
  }
  if (v.emptyDir?.medium !== undefined && !['', 'Memory'].includes(v.emptyDir.medium) && !v.emptyDir.medium.startsWith('HugePages')) {
    errs.push(FieldError.notSupported(`${path}.emptyDir.medium`, v.emptyDir.medium, ['', 'Memory']));
  }
  if (v.hostPath) {
    const hp = `${path}.hostPath`;
    if (!v.hostPath.path) errs.push(FieldError.required(`${hp}.path`));
    else errs.push(...validatePathNoBacksteps(v.hostPath.path, `${hp}.path`));
    const t = v.hostPath.type ?? '';
    if (!HOST_PATH_TYPES.includes(t)) errs.push(FieldError.notSupported(`${hp}.type`, t, HOST_PATH_TYPES));
  }
  if (v.secret) {
    if (!v.secret.secretName) errs.push(FieldError.required(`${path}.secret.secretName`));
    errs.push(...validateMode(v.secret.defaultMode, `${path}.secret.defaultMode`));
    errs.push(...validateKeyToPaths(v.secret.items, `${path}.secret`));
  }
  if (v.configMap) {
    if (!v.configMap.name) errs.push(FieldError.required(`${path}.configMap.name`));
    else errs.push(...isDNS1123Subdomain(v.configMap.name).map((m) => FieldError.invalid(`${path}.configMap.name`, v.configMap!.name, m)));
    errs.push(...validateMode(v.configMap.defaultMode, `${path}.configMap.defaultMode`));
    errs.push(...validateKeyToPaths(v.configMap.items, `${path}.configMap`));
  }
  if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(FieldError.required(`${path}.persistentVolumeClaim.claimName`));
  if (v.downwardAPI) {
    errs.push(...validateMode(v.downwardAPI.defaultMode, `${path}.downwardAPI.defaultMode`));
    errs.push(...validateDownwardAPIFiles(v.downwardAPI.items, `${path}.downwardAPI.items`));
  }
  if (v.projected) errs.push(...validateProjected(v.projected, `${path}.projected`));
  return errs;
}

function validateProjected(p: NonNullable<Volume['projected']>, path: string): FieldError[] {
  const errs = validateMode(p.defaultMode, `${path}.defaultMode`);
  const paths = new Set<string>();
  const claim = (file: string, at: string) => {
    if (paths.has(file)) errs.push(FieldError.invalid(at, file, 'conflicting duplicate paths'));
    paths.add(file);
  };
  (p.sources ?? []).forEach((s, i) => {
    const sp = `${path}.sources[${i}]`;
    const kinds = (['secret', 'configMap', 'downwardAPI', 'serviceAccountToken'] as const).filter((k) => s[k]);
    for (const k of kinds.slice(1)) errs.push(FieldError.forbidden(`${sp}.${k}`, 'may not specify more than 1 volume type per source'));
    if (s.configMap) {
      errs.push(...validateKeyToPaths(s.configMap.items, `${sp}.configMap`));
      (s.configMap.items ?? []).forEach((it, j) => claim(it.path, `${sp}.configMap.items[${j}].path`));
    }
    if (s.secret) {
      errs.push(...validateKeyToPaths(s.secret.items, `${sp}.secret`));
      (s.secret.items ?? []).forEach((it, j) => claim(it.path, `${sp}.secret.items[${j}].path`));
    }
    if (s.downwardAPI) {
      errs.push(...validateDownwardAPIFiles(s.downwardAPI.items, `${sp}.downwardAPI.items`));
      (s.downwardAPI.items ?? []).forEach((f, j) => claim(f.path, `${sp}.downwardAPI.items[${j}].path`));
    }
    const t = s.serviceAccountToken;
    if (t) {
      const tp = `${sp}.serviceAccountToken`;
      if ((t.expirationSeconds ?? 3600) < 600) errs.push(FieldError.invalid(`${tp}.expirationSeconds`, t.expirationSeconds, 'may not specify a duration less than 10 minutes'));
      if ((t.expirationSeconds ?? 3600) > 2 ** 32) errs.push(FieldError.invalid(`${tp}.expirationSeconds`, t.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
      if (!t.path) errs.push(FieldError.required(`${tp}.path`));
      else {
        errs.push(...validateLocalNonReservedPath(t.path, `${tp}.path`));
        claim(t.path, `${tp}.path`);
      }
    }
  });
  return errs;
}

/** Validates spec.volumes; returns the errors and the volume names (for volumeMounts). */
export function validateVolumes(volumes: Volume[] | undefined, path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateSource(v, p));
    if (!v.name) errs.push(FieldError.required(`${p}.name`));
    else errs.push(...isDNS1123Label(v.name).map((m) => FieldError.invalid(`${p}.name`, v.name, m)));
    if (names.has(v.name)) errs.push(FieldError.duplicate(`${p}.name`, v.name));
    else if (v.name) names.add(v.name);
  });
  return { errs, names };
}

export function validateVolumeMounts(mounts: VolumeMount[] | undefined, volumes: Set<string>, privileged: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!m.name) errs.push(FieldError.required(`${p}.name`));
    if (!volumes.has(m.name)) errs.push(FieldError.notFound(`${p}.name`, m.name ?? ''));
    if (!m.mountPath) errs.push(FieldError.required(`${p}.mountPath`));
    if (mountPaths.has(m.mountPath)) errs.push(FieldError.invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
    mountPaths.add(m.mountPath);
    // Kubernetes reports subPath problems on the list's path, not the item's.
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${path}.subPath`));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(FieldError.invalid(`${p}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, `${path}.subPathExpr`));
    }
    if (m.mountPropagation !== undefined) {
      const mp = `${p}.mountPropagation`;
      if (!MOUNT_PROPAGATIONS.includes(m.mountPropagation)) errs.push(FieldError.notSupported(mp, m.mountPropagation, MOUNT_PROPAGATIONS));
      else if (m.mountPropagation === 'Bidirectional' && !privileged) {
        errs.push(FieldError.forbidden(mp, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
  });
  return errs;
}
