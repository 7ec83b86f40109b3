// The agent's on-disk state: one directory per pod with what is needed to adopt it after a
// restart (netns, veth, IP, container pids) and the per-pod files (resolv.conf, hosts, logs).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ContainerRecord {
  pid?: number;
  /** /proc/<pid>/stat starttime, so a recycled pid is not mistaken for ours */
  procStart?: string;
  startedAt?: string;
  restartCount: number;
  lastExit?: { exitCode: number; reason: string; startedAt?: string; finishedAt: string };
}

export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  netns: string;
  hostVeth: string;
  ip: string;
  startTime: string;
  containers: Record<string, ContainerRecord>;
}

function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

export class StateStore {
  readonly podsDir: string;
  constructor(readonly root: string) {
    this.podsDir = path.join(root, 'pods');
    fs.mkdirSync(this.podsDir, { recursive: true });
  }

  podDir(uid: string): string {
    return path.join(this.podsDir, uid);
  }

  containerDir(uid: string, container: string): string {
    return path.join(this.podDir(uid), 'containers', container);
  }

  logPath(uid: string, container: string): string {
    return path.join(this.podDir(uid), 'logs', `${container}.log`);
  }

  save(rec: PodRecord): void {
    fs.mkdirSync(this.podDir(rec.uid), { recursive: true });
    writeAtomic(path.join(this.podDir(rec.uid), 'pod.json'), JSON.stringify(rec, null, 2));
  }

  load(uid: string): PodRecord | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.podDir(uid), 'pod.json'), 'utf8')) as PodRecord;
    } catch {
      return undefined;
    }
  }

  /** every pod record on disk (dirs without a readable pod.json are returned as uid-only) */
  loadAll(): { uid: string; record?: PodRecord }[] {
    return fs.readdirSync(this.podsDir).map((uid) => ({ uid, record: this.load(uid) }));
  }

  writePodFile(uid: string, name: string, content: string): string {
    fs.mkdirSync(this.podDir(uid), { recursive: true });
    const p = path.join(this.podDir(uid), name);
    // in place, not rename: a running pod has this file bind-mounted and must see the same inode
    fs.writeFileSync(p, content);
    return p;
  }

  remove(uid: string): void {
    fs.rmSync(this.podDir(uid), { recursive: true, force: true });
  }
}
