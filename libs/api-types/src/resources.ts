// The resources svcnet serves: one table used by the apiserver (gRPC and HTTP),
// the typed client and kubectl discovery.

export interface ResourceInfo {
  /** plural, lower case, as in URLs: "services" */
  resource: string;
  singular: string;
  kind: string;
  group: string; // "" for core
  version: string;
  namespaced: boolean;
  shortNames: string[];
  subresources: string[];
}

export const RESOURCES: readonly ResourceInfo[] = [
  { resource: 'namespaces', singular: 'namespace', kind: 'Namespace', group: '', version: 'v1', namespaced: false, shortNames: ['ns'], subresources: ['status'] },
  { resource: 'nodes', singular: 'node', kind: 'Node', group: '', version: 'v1', namespaced: false, shortNames: ['no'], subresources: ['status'] },
  { resource: 'pods', singular: 'pod', kind: 'Pod', group: '', version: 'v1', namespaced: true, shortNames: ['po'], subresources: ['status', 'log', 'exec', 'attach', 'portforward'] },
  { resource: 'services', singular: 'service', kind: 'Service', group: '', version: 'v1', namespaced: true, shortNames: ['svc'], subresources: ['status'] },
  { resource: 'endpoints', singular: 'endpoints', kind: 'Endpoints', group: '', version: 'v1', namespaced: true, shortNames: ['ep'], subresources: [] },
  { resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', group: '', version: 'v1', namespaced: true, shortNames: ['cm'], subresources: [] },
  { resource: 'secrets', singular: 'secret', kind: 'Secret', group: '', version: 'v1', namespaced: true, shortNames: [], subresources: [] },
  { resource: 'events', singular: 'event', kind: 'Event', group: '', version: 'v1', namespaced: true, shortNames: ['ev'], subresources: [] },
  { resource: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', group: 'discovery.k8s.io', version: 'v1', namespaced: true, shortNames: [], subresources: [] },
  { resource: 'networkpolicies', singular: 'networkpolicy', kind: 'NetworkPolicy', group: 'networking.k8s.io', version: 'v1', namespaced: true, shortNames: ['netpol'], subresources: [] },
  { resource: 'deployments', singular: 'deployment', kind: 'Deployment', group: 'apps', version: 'v1', namespaced: true, shortNames: ['deploy'], subresources: ['status', 'scale'] },
  { resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', group: 'apps', version: 'v1', namespaced: true, shortNames: ['rs'], subresources: ['status', 'scale'] },
];

export function apiVersionOf(r: ResourceInfo): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function resourceByName(resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.resource === resource);
}

export function resourceByKind(kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}
