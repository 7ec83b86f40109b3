// Parses Kubernetes REST paths: /api/v1[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]
// and the same under /apis/<group>/<version>.
import { RESOURCES, type ResourceInfo } from '@svcnet/api-types';

export interface ResourcePath {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type ParsedPath = { type: 'resource'; path: ResourcePath } | { type: 'unknown-resource' } | { type: 'other' };

export function parseResourcePath(pathname: string): ParsedPath {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return { type: 'other' };
  const find = (resource: string) => RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = find(rest[2]);
    if (inner && inner.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const info = find(rest[0]);
  if (!info || rest.length > 3) return { type: 'unknown-resource' };
  if (info.namespaced && !namespace && rest.length > 1) return { type: 'unknown-resource' };
  return { type: 'resource', path: { info, namespace, name: rest[1], subresource: rest[2] } };
}
