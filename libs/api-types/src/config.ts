// core/v1 ConfigMap and Secret, in Kubernetes' JSON shape.
import type { KubeObject, ObjectMeta } from './meta';

export interface ConfigMap extends KubeObject {
  metadata: ObjectMeta;
  data?: Record<string, string>;
  /** values are base64 text */
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

export type SecretType =
  | 'Opaque'
  | 'kubernetes.io/service-account-token'
  | 'kubernetes.io/dockercfg'
  | 'kubernetes.io/dockerconfigjson'
  | 'kubernetes.io/basic-auth'
  | 'kubernetes.io/ssh-auth'
  | 'kubernetes.io/tls'
  | 'bootstrap.kubernetes.io/token'
  | string;

export interface Secret extends KubeObject {
  metadata: ObjectMeta;
  /** values are base64 text */
  data?: Record<string, string>;
  /** write-only plain-text values: the apiserver merges them into data and never stores them */
  stringData?: Record<string, string>;
  type?: SecretType;
  immutable?: boolean;
}

/** Decodes a Secret's (or ConfigMap binaryData) values from base64. */
export function decodeSecretData(data: Record<string, string> | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}
