// Where each object lives in the store: /<resource>/<namespace>/<name>, or
// /<resource>/<name> for cluster-scoped kinds. Prefix scans give namespace or cluster lists.
import type { ResourceInfo } from '@svcnet/api-types';

export function objectKey(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return info.namespaced ? `/${info.resource}/${namespace}/${name}` : `/${info.resource}/${name}`;
}

export function listPrefix(info: ResourceInfo, namespace: string | undefined): string {
  return info.namespaced && namespace ? `/${info.resource}/${namespace}/` : `/${info.resource}/`;
}
