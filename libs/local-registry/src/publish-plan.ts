// What publishStandins has to copy: every stand-in ref whose registry manifest digest differs from
// the layout's. Refs are grouped by repository: the first copy into a repository uploads its blobs,
// the others of that repository then only add a manifest.
import type { StandinRef } from './standins';
import type { Descriptor } from './oci-layout';

export interface PublishStep {
  ref: StandinRef;
  source: string; // "oci:<layoutDir>:<image id>"
  dest: string; // "docker://<registry>/<path>"
  digest: string; // the layout's manifest digest
  mediaType: string;
}

export interface PublishPlan {
  groups: PublishStep[][]; // one per repository, in ref order
  upToDate: StandinRef[];
}

export function planPublish(
  refs: readonly StandinRef[],
  layoutDir: string,
  layoutTags: ReadonlyMap<string, Descriptor>,
  registry: string,
  remoteDigests: ReadonlyMap<string, string | undefined>, // path → digest the registry has
): PublishPlan {
  const groups = new Map<string, PublishStep[]>();
  const upToDate: StandinRef[] = [];
  for (const ref of refs) {
    const desc = layoutTags.get(ref.image);
    if (!desc) throw new Error(`stand-in ${ref.image} (for ${ref.ref}) is not in ${layoutDir}; rebuild with deploy/images/build-standins.sh`);
    if (remoteDigests.get(ref.path) === desc.digest) {
      upToDate.push(ref);
      continue;
    }
    const step = { ref, source: `oci:${layoutDir}:${ref.image}`, dest: `docker://${registry}/${ref.path}`, digest: desc.digest, mediaType: desc.mediaType };
    const g = groups.get(ref.repository);
    if (g) g.push(step);
    else groups.set(ref.repository, [step]);
  }
  return { groups: [...groups.values()], upToDate };
}

export function manifestUrl(registry: string, ref: StandinRef): string {
  return `http://${registry}/v2/${ref.repository}/manifests/${ref.tag}`;
}
