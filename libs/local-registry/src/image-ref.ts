// Image references as users write them ("nginx", "nginx:1.27-alpine", "registry.k8s.io/pause:3.9"),
// normalized the way docker and containerd do, and looked up among the stand-ins.
import { STANDIN_IMAGES, standinRefs, type StandinImage, type StandinRef } from './standins';

export interface ImageRef {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** docker's rules: no host part means docker.io, a one-element docker.io path means library/, no tag means latest */
export function normalizeImageRef(ref: string): ImageRef {
  const m = /^(?:([^/]+)\/)?([^@]+?)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(ref.trim());
  if (!m) throw new Error(`invalid image reference: ${JSON.stringify(ref)}`);
  let [, first, rest, tag, digest] = m;
  let registry = 'docker.io';
  let repository: string;
  // The first element is a host when it has a dot or a port, or is localhost.
  if (first !== undefined && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first === 'index.docker.io' ? 'docker.io' : first;
    repository = rest;
  } else {
    repository = first !== undefined ? `${first}/${rest}` : rest;
  }
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+|__)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) {
    throw new Error(`invalid repository in image reference: ${JSON.stringify(ref)}`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** the stand-in serving this reference, if any (by tag only: a digest never matches a stand-in) */
export function findStandin(ref: string, images: readonly StandinImage[] = STANDIN_IMAGES): StandinRef | undefined {
  const r = normalizeImageRef(ref);
  if (r.digest || r.tag === undefined) return undefined;
  return standinRefs(images).find((s) => s.registry === r.registry && s.repository === r.repository && s.tag === r.tag);
}
