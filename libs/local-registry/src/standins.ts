// The stand-in images (src/standins.json is the single source of truth: deploy/images/build-standins.sh
// builds one image per entry, tagged with its id in the OCI layout) and where each ref lives in the
// local registry.
import data from './standins.json';

export interface StandinRefGroup {
  registry: string; // the image's real registry host: "docker.io", "registry.k8s.io", "r.deso.tech"
  repository: string; // full repository path at that registry: "library/nginx"
  tags: string[];
}

export interface StandinImage {
  id: string; // tag in the OCI layout and recipe directory deploy/images/<id>
  description: string;
  refs: StandinRefGroup[];
}

export interface StandinRef {
  image: string; // StandinImage.id
  registry: string;
  repository: string;
  tag: string;
  ref: string; // "docker.io/library/nginx:1.27"
  path: string; // where the local registry serves it: "library/nginx:1.27"
}

export const STANDIN_IMAGES: readonly StandinImage[] = data.images;

/**
 * A mirror is asked for the repository path without the registry host: containerd sends
 * docker.io/library/nginx:1.27 to a docker.io mirror as /v2/library/nginx/manifests/1.27, so the
 * local registry holds it as library/nginx:1.27 (and r.deso.tech/whoami/whoami as whoami/whoami).
 */
export function mirrorPath(repository: string, tag: string): string {
  return `${repository}:${tag}`;
}

/** every ref of every stand-in, in file order */
export function standinRefs(images: readonly StandinImage[] = STANDIN_IMAGES): StandinRef[] {
  return images.flatMap((image) =>
    image.refs.flatMap((g) =>
      g.tags.map((tag) => ({
        image: image.id,
        registry: g.registry,
        repository: g.repository,
        tag,
        ref: `${g.registry}/${g.repository}:${tag}`,
        path: mirrorPath(g.repository, tag),
      })),
    ),
  );
}

/** registry paths claimed by more than one stand-in (refs of different hosts share one path space) */
export function pathCollisions(refs: readonly StandinRef[]): string[] {
  const owner = new Map<string, string>();
  const clashes = new Set<string>();
  for (const r of refs) {
    const prev = owner.get(r.path);
    if (prev !== undefined && prev !== r.ref) clashes.add(r.path);
    else owner.set(r.path, r.ref);
  }
  return [...clashes];
}
