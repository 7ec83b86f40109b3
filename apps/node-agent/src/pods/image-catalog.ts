// Images are not pulled: the catalog maps well-known image names to programs that exist on the
// node. Unknown images are an error (ErrImagePull), never a silent fallback.
import type { Container } from '@svcnet/api-types';

export interface ImageRef {
  /** repository without registry docker.io / library/ and without tag: "nginx", "traefik/whoami" */
  repository: string;
  tag: string;
}

export function parseImage(image: string): ImageRef {
  let ref = image.trim();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  let tag = 'latest';
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) {
    tag = ref.slice(colon + 1);
    ref = ref.slice(0, colon);
  }
  ref = ref.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  return { repository: ref.toLowerCase(), tag };
}

export type ImageKind = 'nginx' | 'whoami' | 'echo-nginx' | 'svcnet-echo' | 'shell';

/** what each known repository is, and for shell images its entrypoint (prepended to args when no command) */
const CATALOG: Record<string, { kind: ImageKind; entrypoint?: string[] }> = {
  nginx: { kind: 'nginx' },
  'nginxinc/nginx-unprivileged': { kind: 'nginx' },
  'traefik/whoami': { kind: 'whoami' },
  'containous/whoami': { kind: 'whoami' },
  'r.deso.tech/whoami/whoami': { kind: 'whoami' },
  'amsy810/echo-nginx': { kind: 'echo-nginx' },
  'svcnet/echo': { kind: 'svcnet-echo' },
  busybox: { kind: 'shell' },
  alpine: { kind: 'shell' },
  debian: { kind: 'shell' },
  ubuntu: { kind: 'shell' },
  'nicolaka/netshoot': { kind: 'shell' },
  'tutum/dnsutils': { kind: 'shell' },
  'curlimages/curl': { kind: 'shell', entrypoint: ['curl'] },
};

export function knownImages(): string[] {
  return Object.keys(CATALOG);
}

/** How to start a container. `argv` is run on the node (inside the pod's namespaces). */
export type LaunchPlan =
  | { ok: true; kind: ImageKind; argv: string[] }
  | { ok: false; reason: 'ErrImagePull' | 'InvalidImageName'; message: string };

export interface CatalogPaths {
  /** node binary and the echo server script shipped in this app */
  nodeBinary: string;
  echoServerScript: string;
  nginxBinary: string;
  /** the per-container nginx.conf the runtime writes (see nginx-config.ts) */
  nginxConfig: string;
  /** nginx prefix dir (temp dirs live there) */
  nginxPrefix: string;
}

export const SLEEP_FOREVER = ['sleep', 'infinity'];

export function launchPlan(container: Container, paths: CatalogPaths): LaunchPlan {
  const image = container.image ?? '';
  if (!image) return { ok: false, reason: 'InvalidImageName', message: `container "${container.name}": image is empty` };
  const ref = parseImage(image);
  const entry = CATALOG[ref.repository];
  if (!entry) {
    return {
      ok: false,
      reason: 'ErrImagePull',
      message: `Failed to pull image "${image}": svcnet runs no registry; "${ref.repository}" is not in the node's image catalog (known: ${knownImages().join(', ')})`,
    };
  }
  const command = container.command ?? [];
  const args = container.args ?? [];
  // An explicit command always wins, for every image (e.g. nginx:alpine with `sh -c ...`).
  if (command.length > 0) return { ok: true, kind: 'shell', argv: [...command, ...args] };
  switch (entry.kind) {
    case 'nginx':
      if (args.length > 0) return { ok: true, kind: 'shell', argv: args };
      return { ok: true, kind: 'nginx', argv: [paths.nginxBinary, '-p', paths.nginxPrefix, '-e', 'stderr', '-c', paths.nginxConfig] };
    case 'whoami':
    case 'echo-nginx':
    case 'svcnet-echo':
      return { ok: true, kind: entry.kind, argv: [paths.nodeBinary, paths.echoServerScript, `--mode=${entry.kind}`, ...args] };
    case 'shell':
      if (args.length > 0) return { ok: true, kind: 'shell', argv: [...(entry.entrypoint ?? []), ...args] };
      // no command and no args: a shell image has nothing to do; keep it alive so people can exec into it
      return { ok: true, kind: 'shell', argv: SLEEP_FOREVER };
  }
}
