// Which kubeconfig `svcnet up` writes the svcnet context into, and writing it so that the user
// who ran `sudo ./svcnet up` can use it: $SUDO_USER's ~/.kube/config (home from the passwd
// database), owned by that user, mode 0600 in a 0700 ~/.kube, as kind does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mergeKubeconfig, removeFromKubeconfig, type KubeconfigDoc } from './kubeconfig';

export interface KubeconfigTarget {
  file: string;
  /** owner to give a file (and ~/.kube) we create */
  uid: number;
  gid: number;
  /** who it belongs to, for messages */
  user: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** One passwd entry through `getent passwd` (so NSS sources other than /etc/passwd work too). */
export function lookupUser(name: string): PasswdEntry {
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split('\n')[0];
  } catch {
    throw new Error(`user ${name} not found (getent passwd ${name})`);
  }
  const parts = line.split(':');
  if (parts.length < 7) throw new Error(`getent passwd ${name}: unexpected "${line}"`);
  return { name: parts[0], uid: Number(parts[2]), gid: Number(parts[3]), home: parts[5] };
}

/**
 * undefined with SVCNET_NO_KUBECONFIG=1; else --kubeconfig if given, else the invoking user's
 * ~/.kube/config ($SUDO_USER, or the current user — root — without it).
 */
export function kubeconfigTarget(flag: string, env: NodeJS.ProcessEnv = process.env, lookup = lookupUser): KubeconfigTarget | undefined {
  if (env.SVCNET_NO_KUBECONFIG === '1') return undefined;
  const sudoUser = env.SUDO_USER && env.SUDO_USER !== 'root' ? env.SUDO_USER : undefined;
  const owner = sudoUser ? lookup(sudoUser) : currentUser();
  const file = flag ? path.resolve(flag) : path.join(owner.home, '.kube', 'config');
  return { file, uid: owner.uid, gid: owner.gid, user: owner.name };
}

/** the user this process runs as (root, under `sudo -i` or a root shell), home from passwd */
function currentUser(): PasswdEntry {
  const u = os.userInfo();
  return { name: u.username, uid: u.uid, gid: u.gid, home: u.homedir };
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Writes atomically (temp file + rename) with mode 0600, owned by the target's user. */
function writeOwned(t: KubeconfigTarget, text: string): void {
  const dir = path.dirname(t.file);
  if (!fs.existsSync(dir)) {
    // ~/.kube, made for the user; not a home directory that is missing (nobody's /nonexistent)
    if (!fs.existsSync(path.dirname(dir))) throw new Error(`${path.dirname(dir)} does not exist (pass --kubeconfig)`);
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, t.uid, t.gid);
  }
  // an existing file keeps its owner; a new one belongs to the target user
  let uid = t.uid;
  let gid = t.gid;
  try {
    const st = fs.statSync(t.file);
    uid = st.uid;
    gid = st.gid;
  } catch {
    /* new file */
  }
  const tmp = `${t.file}.svcnet-${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.chownSync(tmp, uid, gid);
  fs.renameSync(tmp, t.file);
}

/** Merges the svcnet context into the target file; returns the current-context it replaced. */
export function installKubeconfig(t: KubeconfigTarget, svcnet: KubeconfigDoc): { previousContext: string } {
  const r = mergeKubeconfig(readIfExists(t.file), svcnet);
  writeOwned(t, r.text);
  return { previousContext: r.previousContext };
}

/** Removes the svcnet entries from the target file; false when there were none (or no file). */
export function uninstallKubeconfig(t: KubeconfigTarget): boolean {
  const cur = readIfExists(t.file);
  if (cur === undefined) return false;
  const r = removeFromKubeconfig(cur);
  if (r.changed) writeOwned(t, r.text);
  return r.changed;
}
