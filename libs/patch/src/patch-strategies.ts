// Which lists strategic merge patch merges instead of replacing, per kind — the
// `patchStrategy:"merge" patchMergeKey:"..."` tags of the Kubernetes Go types.
// A path names map fields with "." and steps into list items with "[]".

export type ListStrategy = { mergeKey: string } | { primitiveSet: true };

function podSpecStrategies(spec: string): Record<string, ListStrategy> {
  const rules: Record<string, ListStrategy> = {
    [`${spec}.volumes`]: { mergeKey: 'name' },
    [`${spec}.imagePullSecrets`]: { mergeKey: 'name' },
    [`${spec}.hostAliases`]: { mergeKey: 'ip' },
  };
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    const c = `${spec}.${list}`;
    rules[c] = { mergeKey: 'name' };
    rules[`${c}[].ports`] = { mergeKey: 'containerPort' };
    rules[`${c}[].env`] = { mergeKey: 'name' };
    rules[`${c}[].volumeMounts`] = { mergeKey: 'mountPath' };
    rules[`${c}[].volumeDevices`] = { mergeKey: 'devicePath' };
  }
  return rules;
}

const COMMON: Record<string, ListStrategy> = {
  'metadata.ownerReferences': { mergeKey: 'uid' },
  'metadata.finalizers': { primitiveSet: true },
  'status.conditions': { mergeKey: 'type' },
};

const BY_KIND: Record<string, Record<string, ListStrategy>> = {
  Service: { 'spec.ports': { mergeKey: 'port' } },
  Pod: podSpecStrategies('spec'),
  Deployment: { ...podSpecStrategies('spec.template.spec'), 'spec.template.metadata.ownerReferences': { mergeKey: 'uid' } },
  ReplicaSet: { ...podSpecStrategies('spec.template.spec'), 'spec.template.metadata.ownerReferences': { mergeKey: 'uid' } },
  Endpoints: {
    'subsets[].addresses': { mergeKey: 'ip' },
    'subsets[].notReadyAddresses': { mergeKey: 'ip' },
  },
  Node: { 'status.addresses': { mergeKey: 'type' } },
};

export function listStrategyFor(kind: string, path: string): ListStrategy | undefined {
  return BY_KIND[kind]?.[path] ?? COMMON[path];
}
