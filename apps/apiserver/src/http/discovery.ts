// Discovery documents kubectl reads: /api, /apis, /api/v1, /apis/<group>/<version>, /version.
// Served as legacy (unaggregated) discovery: kubectl asks for the aggregated v2 form first
// and falls back when the response's Content-Type is plain application/json.
import { RESOURCES, apiVersionOf, type ResourceInfo } from '@svcnet/api-types';
import { REVIEW_GROUPS } from './auth-reviews';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-svcnet',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-23T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const ALL_CATEGORY = new Set(['pods', 'services', 'deployments', 'replicasets']);
const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) if (r.group) seen.set(apiVersionOf(r), { group: r.group, version: r.version });
  for (const g of REVIEW_GROUPS) seen.set(`${g.group}/${g.version}`, { group: g.group, version: g.version });
  return [...seen.values()];
}

export function coreVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupVersions().map((gv) => {
      const v = { groupVersion: `${gv.group}/${gv.version}`, version: gv.version };
      return { name: gv.group, versions: [v], preferredVersion: v };
    }),
  };
}

export function apiGroup(group: string): unknown | undefined {
  const gv = groupVersions().find((g) => g.group === group);
  if (!gv) return undefined;
  const v = { groupVersion: `${gv.group}/${gv.version}`, version: gv.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [v], preferredVersion: v };
}

function subresourceEntry(r: ResourceInfo, sub: string): Record<string, unknown> {
  const base = { name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced };
  switch (sub) {
    case 'status':
      return { ...base, kind: r.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { ...base, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    case 'log':
      return { ...base, kind: 'Pod', verbs: ['get'] };
    case 'exec':
      return { ...base, kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach':
      return { ...base, kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward':
      return { ...base, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    default:
      return { ...base, kind: r.kind, verbs: ['get'] };
  }
}

export function apiResourceList(group: string, version: string): unknown | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  const resources: unknown[] = [];
  for (const r of rs) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.kind === 'Namespace' ? VERBS.filter((v) => v !== 'deletecollection') : VERBS,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(ALL_CATEGORY.has(r.resource) ? { categories: ['all'] } : {}),
      storageVersionHash: Buffer.from(`${group}/${version}/${r.kind}`).toString('base64').slice(0, 11),
    });
    for (const sub of r.subresources) resources.push(subresourceEntry(r, sub));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
