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
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const NAME_TOTAL_LENGTH_MAX = 255;

// distribution/reference's grammar, reduced to what decides validity
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?';
const REFERENCE = new RegExp(`^(${DOMAIN}/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`);
// go-digest: the algorithms the kubelet links in, with their hex lengths
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** parses an image name, or returns the kubelet's InvalidImageName message */
export function parseImageReference(image: string): ImageReference | { error: string } {
  const fail = (why: string) => ({ error: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${why}` });
  if (/^[a-f0-9]{64}$/.test(image)) return fail(`invalid repository name (${image}), cannot specify 64-byte hexadecimal strings`);
  // splitDockerDomain: the first component is a registry only if it has a dot or a port, is
  // "localhost", or is not lower case; index.docker.io is docker.io
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  let registry = DEFAULT_REGISTRY;
  let rest = image;
  if (slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
    registry = first === LEGACY_DEFAULT_REGISTRY ? DEFAULT_REGISTRY : first;
    rest = image.slice(slash + 1);
  }
  if (registry === DEFAULT_REGISTRY && !rest.includes('/')) rest = `library/${rest}`;
  const remote = rest.split(':')[0];
  if (remote.toLowerCase() !== remote) return fail(`invalid reference format: repository name (${remote}) must be lowercase`);
  const m = REFERENCE.exec(`${registry}/${rest}`);
  if (!m || !m[1]) return fail('invalid reference format');
  const [, , repository, tag, digest] = m;
  if (`${registry}/${repository}`.length > NAME_TOTAL_LENGTH_MAX) return fail(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  if (digest) {
    const [alg, hex] = digest.split(':');
    if (!DIGEST_HEX_LENGTH[alg]) return fail('unsupported digest algorithm');
    if (hex.length !== DIGEST_HEX_LENGTH[alg]) return fail('invalid checksum digest length');
    if (!/^[a-f0-9]+$/.test(hex)) return fail('invalid checksum digest format');
  }
  const t = !tag && !digest ? 'latest' : tag;
  const full = `${registry}/${repository}${t ? `:${t}` : ''}${digest ? `@${digest}` : ''}`;
  return { full, registry, repository, tag: t, digest };
}
