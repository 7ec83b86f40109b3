// Docker/OCI image references as the kubelet and containerd read them: "nginx" is
// docker.io/library/nginx:latest, "r.deso.tech/whoami/whoami" keeps its registry. Pure.

export interface ImageReference {
  /** the fully qualified reference: registry/repository[:tag][@digest] */
  full: string;
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const DEFAULT_REGISTRY = 'docker.io';

// distribution/reference's grammar, reduced to what decides validity
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?';
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`);

/** parses an image name, or returns the kubelet's InvalidImageName message */
export function parseImageReference(image: string): ImageReference | { error: string } {
  const m = REFERENCE.exec(image);
  // the first component is a registry only if it looks like a host (dot, port or localhost)
  if (!m || image.length > 255) return { error: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format` };
  let [, domain, path, tag, digest] = m;
  if (domain && !/[.:]/.test(domain) && domain !== 'localhost') {
    path = `${domain}/${path}`;
    domain = undefined as unknown as string;
  }
  if (domain && /[A-Z]/.test(path)) return { error: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": repository name must be lowercase` };
  const registry = domain || DEFAULT_REGISTRY;
  const repository = registry === DEFAULT_REGISTRY && !path.includes('/') ? `library/${path}` : path;
  if (!tag && !digest) tag = 'latest';
  const full = `${registry}/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  return { full, registry, repository, tag, digest };
}
