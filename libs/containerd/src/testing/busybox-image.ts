// Builds tiny images from the host's static busybox, with no registry and no Docker:
// umoci makes an OCI layout and layer, skopeo turns it into a docker-archive that
// `ctr images import` (importImageArchive) understands. For tests only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '@svcnet/netns';

const BUSYBOX = '/bin/busybox';

/** Lays out a rootfs: /bin/busybox plus a symlink per applet (as `busybox --install -s`). */
export async function populateBusyboxRootfs(rootfs: string): Promise<void> {
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(rootfs, 'bin/busybox'));
  fs.chmodSync(path.join(rootfs, 'bin/busybox'), 0o755);
  // `busybox --install -s` would link to /proc/self/exe, which on a merged-/usr host is
  // /usr/bin/busybox, a path absent from this rootfs. Link to /bin/busybox explicitly.
  const { stdout } = await run(BUSYBOX, ['--list-full']);
  for (const applet of stdout.split('\n').filter(Boolean)) {
    if (applet === 'bin/busybox') continue;
    const link = path.join(rootfs, applet);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    if (!fs.existsSync(link)) fs.symlinkSync('/bin/busybox', link);
  }
  fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
}

export interface BuildImageOptions {
  /** Image config Cmd. Default ["sh"]. */
  cmd?: string[];
}

/** Builds an OCI image layout (tag "latest") in a new dir under `dir`; returns the layout path. */
export async function buildBusyboxLayout(dir: string, opts: BuildImageOptions = {}): Promise<string> {
  const work = fs.mkdtempSync(path.join(dir, 'img-'));
  const layout = path.join(work, 'oci');
  const bundle = path.join(work, 'bundle');
  const image = `${layout}:latest`;
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', image]);
  await run('umoci', ['unpack', '--image', image, bundle]);
  await populateBusyboxRootfs(path.join(bundle, 'rootfs'));
  await run('umoci', ['repack', '--image', image, bundle]);
  const cmd = opts.cmd ?? ['sh'];
  // CRI (unlike ctr) adds no default PATH: the image must carry one.
  await run('umoci', ['config', '--image', image, '--config.env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--clear=config.cmd', ...cmd.flatMap((c) => ['--config.cmd', c])]);
  // umoci keeps superseded blobs; drop them so the layout holds only what "latest" needs.
  await run('umoci', ['gc', '--layout', layout]);
  fs.rmSync(bundle, { recursive: true, force: true });
  return layout;
}

/**
 * Builds `ref` (e.g. "docker.io/library/busybox:test") in dir and returns the path of a
 * docker-archive tarball containing it.
 */
export async function buildBusyboxImage(dir: string, ref: string, opts: BuildImageOptions = {}): Promise<string> {
  const layout = await buildBusyboxLayout(dir, opts);
  const archive = path.join(dir, `${ref.replace(/[^a-zA-Z0-9_.-]+/g, '_')}.tar`);
  fs.rmSync(archive, { force: true });
  await run('skopeo', ['copy', '--quiet', `oci:${layout}:latest`, `docker-archive:${archive}:${ref}`]);
  fs.rmSync(path.dirname(layout), { recursive: true, force: true });
  return archive;
}

/** A pause stand-in: busybox sleeping forever as the sandbox's init. */
export function buildPauseImage(dir: string, ref = 'registry.k8s.io/pause:3.6'): Promise<string> {
  return buildBusyboxImage(dir, ref, { cmd: ['sleep', '2147483647'] });
}
