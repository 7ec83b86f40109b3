// Pod volumes on the node: a directory per volume under <state>/pods/<uid>/volumes/, tmpfs for
// secrets and emptyDir medium Memory (so secret data never reaches the disk), API-backed files
// written atomically (the kubelet's ..data symlink swap, so a container never sees half an
// update), hostPath type checks. Containers get bind mounts of these directories.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pod, Volume } from '@svcnet/api-types';
import { tryRun } from '@svcnet/netns';
import type { EnvSources, PodFacts } from './container-env';
import { VolumeSetupError, invalidPathReason, volumeFiles, type VolumeFile } from './volume-files';

export class VolumeManager {
  constructor(private readonly podsDir: string) {}

  podDir(uid: string): string {
    return path.join(this.podsDir, uid);
  }

  /** sets up (or refreshes) every volume of the pod; returns volume name -> host path */
  async setUp(pod: Pod, facts: PodFacts, src: EnvSources): Promise<Map<string, string>> {
    const uid = pod.metadata.uid!;
    const out = new Map<string, string>();
    for (const v of pod.spec.volumes ?? []) {
      try {
        out.set(v.name, await this.setUpVolume(uid, pod, v, facts, src));
      } catch (e) {
        throw new VolumeSetupError(`MountVolume.SetUp failed for volume "${v.name}" : ${(e as Error).message}`);
      }
    }
    return out;
  }

  private async setUpVolume(uid: string, pod: Pod, v: Volume, facts: PodFacts, src: EnvSources): Promise<string> {
    if (v.hostPath) return checkHostPath(v.hostPath.path, v.hostPath.type ?? '');
    const kind = v.emptyDir ? 'empty-dir' : v.secret ? 'secret' : v.configMap ? 'configmap' : v.downwardAPI ? 'downward-api' : v.projected ? 'projected' : undefined;
    if (!kind) throw new Error(`volume type not supported on this node`);
    const dir = path.join(this.podDir(uid), 'volumes', kind, v.name);
    fs.mkdirSync(dir, { recursive: true });
    const memory = !!v.secret || !!v.projected || v.emptyDir?.medium === 'Memory';
    if (memory && !(await isMountPoint(dir))) {
      const size = v.emptyDir?.sizeLimit ? [`-o`, `size=${v.emptyDir.sizeLimit.replace(/i$/, '')}`] : [];
      const r = await tryRun('mount', ['-t', 'tmpfs', ...size, 'tmpfs', dir], { timeoutMs: 15_000 });
      if (r.code !== 0) throw new Error(`mount tmpfs: ${r.stderr.trim()}`);
    }
    if (v.emptyDir) {
      fs.chmodSync(dir, 0o777);
      return dir;
    }
    const files = volumeFiles(pod, v, facts, src) ?? [];
    writeAtomically(dir, files);
    return dir;
  }

  /** unmounts and removes every volume of the pod */
  async tearDown(uid: string): Promise<void> {
    const root = path.join(this.podDir(uid), 'volumes');
    for (const kind of fs.existsSync(root) ? fs.readdirSync(root) : []) {
      for (const name of fs.readdirSync(path.join(root, kind))) {
        const dir = path.join(root, kind, name);
        if (await isMountPoint(dir)) await tryRun('umount', ['-l', dir], { timeoutMs: 15_000 });
      }
    }
    fs.rmSync(this.podDir(uid), { recursive: true, force: true });
  }

  /** uids that have a directory here (leftovers are removed once their pod is gone) */
  knownUids(): string[] {
    try {
      return fs.readdirSync(this.podsDir);
    } catch {
      // no pods directory yet: no pods have volumes here
      return [];
    }
  }
}

async function isMountPoint(dir: string): Promise<boolean> {
  return (await tryRun('mountpoint', ['-q', dir], { timeoutMs: 15_000 })).code === 0;
}

/** kubelet's hostPath type check */
function checkHostPath(p: string, type: string): string {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  const fail = (what: string) => {
    throw new Error(`hostPath type check failed: ${p} is not a ${what}`);
  };
  switch (type) {
    case 'DirectoryOrCreate':
      if (!st) fs.mkdirSync(p, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) fail('directory');
      break;
    case 'FileOrCreate':
      if (!st) {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, '', { mode: 0o644 });
      } else if (!st.isFile()) fail('file');
      break;
    case 'Directory':
      if (!st?.isDirectory()) fail('directory');
      break;
    case 'File':
      if (!st?.isFile()) fail('file');
      break;
    case 'Socket':
      if (!st?.isSocket()) fail('socket file');
      break;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) fail('character device');
      break;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) fail('block device');
      break;
  }
  return p;
}

/**
 * The kubelet's AtomicWriter: the files go into a fresh ..<timestamp> directory, `..data`
 * is swapped to it with one rename, and each top-level name is a symlink through ..data.
 */
export function writeAtomically(dir: string, files: VolumeFile[]): void {
  for (const f of files) {
    const why = invalidPathReason(f.path);
    if (why) throw new VolumeSetupError(why);
  }
  files = [...new Map(files.map((f) => [path.posix.normalize(f.path), { ...f, path: path.posix.normalize(f.path) }])).values()];
  const top = new Set(files.map((f) => f.path.split('/')[0]));
  const linkTopLevel = () => {
    for (const name of top) {
      const link = path.join(dir, name);
      if (!fs.lstatSync(link, { throwIfNoEntry: false })) fs.symlinkSync(path.join('..data', name), link);
    }
  };
  const dataLink = path.join(dir, '..data');
  const current = fs.lstatSync(dataLink, { throwIfNoEntry: false }) ? fs.readlinkSync(dataLink) : undefined;
  if (current && sameContent(path.join(dir, current), files)) {
    // up to date, but the user-visible links must still exist (kubernetes#121472)
    linkTopLevel();
    return;
  }
  // os.MkdirTemp(dir, "..2006_01_02_15_04_05."), then chmod 0755 whatever the umask
  const stamp = new Date().toISOString().replace(/^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+).*$/, '$1_$2_$3_$4_$5_$6');
  const tsDir = fs.mkdtempSync(path.join(dir, `..${stamp}.`));
  const ts = path.basename(tsDir);
  fs.chmodSync(tsDir, 0o755);
  for (const f of files) {
    const p = path.join(tsDir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.content, { mode: f.mode });
    fs.chmodSync(p, f.mode);
  }
  const tmpLink = path.join(dir, '..data_tmp');
  fs.rmSync(tmpLink, { force: true });
  fs.symlinkSync(ts, tmpLink);
  fs.renameSync(tmpLink, dataLink);
  linkTopLevel();
  // names no longer in the volume, and the previous timestamped directory
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('..')) {
      if (name !== ts && name !== '..data') fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    } else if (!top.has(name)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

function sameContent(dir: string, files: VolumeFile[]): boolean {
  try {
    for (const f of files) {
      const p = path.join(dir, f.path);
      if (!fs.readFileSync(p).equals(f.content) || (fs.statSync(p).mode & 0o777) !== f.mode) return false;
    }
    const count = (d: string): number => fs.readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(path.join(d, e.name)) : 1), 0);
    return count(dir) === files.length;
  } catch {
    // a file or directory missing or unreadable: the volume is not as wanted, so it is rewritten
    return false;
  }
}
