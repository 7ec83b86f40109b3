// core/v1 pod volumes: the sources svcnet's kubelet implements, in Kubernetes' JSON shape.
import type { ObjectFieldSelector, ResourceFieldSelector } from './pod';

/** A key of a ConfigMap or Secret projected to a file path (relative, no ".."). */
export interface KeyToPath {
  key: string;
  path: string;
  /** file mode bits, 0..0777 (JSON carries it in decimal: 0644 is 420) */
  mode?: number;
}

export interface EmptyDirVolumeSource {
  /** "" (node disk) or "Memory" (tmpfs) */
  medium?: string;
  /** a quantity, e.g. "1Gi" */
  sizeLimit?: string;
}

export interface ConfigMapVolumeSource {
  name?: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

export interface SecretVolumeSource {
  secretName?: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

export interface HostPathVolumeSource {
  path: string;
  /** "" (no check), DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice */
  type?: string;
}

export interface DownwardAPIVolumeFile {
  path: string;
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: ResourceFieldSelector;
  mode?: number;
}

export interface DownwardAPIVolumeSource {
  items?: DownwardAPIVolumeFile[];
  defaultMode?: number;
}

export interface ServiceAccountTokenProjection {
  audience?: string;
  /** defaults to 3600 */
  expirationSeconds?: number;
  path: string;
}

export interface VolumeProjection {
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIVolumeFile[] };
  serviceAccountToken?: ServiceAccountTokenProjection;
}

export interface ProjectedVolumeSource {
  sources?: VolumeProjection[];
  defaultMode?: number;
}

export interface PersistentVolumeClaimVolumeSource {
  claimName: string;
  readOnly?: boolean;
}

/** Exactly one source is set. */
export interface Volume {
  name: string;
  emptyDir?: EmptyDirVolumeSource;
  configMap?: ConfigMapVolumeSource;
  secret?: SecretVolumeSource;
  hostPath?: HostPathVolumeSource;
  downwardAPI?: DownwardAPIVolumeSource;
  projected?: ProjectedVolumeSource;
  persistentVolumeClaim?: PersistentVolumeClaimVolumeSource;
}

/** The volume sources svcnet's kubelet implements (a Volume sets exactly one). */
export const VOLUME_SOURCES = ['emptyDir', 'configMap', 'secret', 'hostPath', 'downwardAPI', 'projected', 'persistentVolumeClaim'] as const;
