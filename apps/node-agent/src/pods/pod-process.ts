// Starting and stopping a container's process inside its pod: `ip netns exec` for the network,
// `unshare --uts --mount` for a private hostname, /tmp, /run and the pod's /etc/resolv.conf and
// /etc/hosts. A small sh wrapper stays the pid we track: it forwards SIGTERM and records the
// exit code in a file, so an agent restarted later (no longer the parent) still learns it.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// $1 exit file, $2 hostname, $3 container dir, $4 resolv.conf, $5 hosts, then the argv to run
export const WRAPPER_SCRIPT = `
exit_file=$1; host=$2; dir=$3; resolv=$4; hosts=$5; shift 5
# a stop request that arrives during setup is remembered and passed on once the child runs
pending=
trap 'pending=TERM' TERM
trap 'pending=INT' INT
exec 9>"$exit_file"
hostname "$host" || exit 120
mkdir -p "$dir/tmp" "$dir/run"
chmod 1777 "$dir/tmp"
mount --bind "$dir/tmp" /tmp && mount --bind "$dir/run" /run || exit 121
mount --bind "$resolv" /etc/resolv.conf && mount --bind "$hosts" /etc/hosts || exit 122
[ -n "$WORKDIR" ] && { cd "$WORKDIR" || exit 123; }
unset WORKDIR
[ -n "$pending" ] && { echo 143 >&9; exit 143; }
# default dispositions while forking, so the child never inherits a trap that would swallow a
# signal before it execs; a TERM in this instant kills the wrapper and the agent kills the group
trap - TERM INT
# a container with stdin (kubectl run -i) reads a FIFO that attach writes to; opened read-write
# so it neither blocks nor sees end-of-file when an attach goes away
if [ -n "$STDIN_FIFO" ]; then "$@" <>"$STDIN_FIFO" & else "$@" </dev/null & fi
child=$!
trap 'kill -TERM $child 2>/dev/null' TERM
trap 'kill -INT $child 2>/dev/null' INT
while :; do
  wait $child
  rc=$?
  kill -0 $child 2>/dev/null || break
done
echo $rc >&9
exit $rc
`;

export interface LaunchSpec {
  netns: string;
  hostname: string;
  containerDir: string;
  resolvConf: string;
  hostsFile: string;
  logFile: string;
  argv: string[];
  env: Map<string, string>;
  workingDir?: string;
  /** FIFO the container's stdin reads from (containers with `stdin: true`) */
  stdinFifo?: string;
}

export interface LaunchedProcess {
  pid: number;
  procStart: string;
  exitFile: string;
  /** resolves with the exit code when the wrapper ends (only for processes this agent started) */
  exited: Promise<number>;
}

export function exitFilePath(containerDir: string): string {
  return path.join(containerDir, 'exit-code');
}

/** field 22 of /proc/<pid>/stat (start time in clock ticks since boot), undefined if gone */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // a zombie has finished
    return fields[19];
  } catch {
    return undefined;
  }
}

export function isSameProcessAlive(pid: number, procStart: string | undefined): boolean {
  const now = procStartTime(pid);
  return now !== undefined && (procStart === undefined || now === procStart);
}

/** exit code recorded by the wrapper, if it got to write one */
export function readExitCode(containerDir: string): number | undefined {
  try {
    const t = fs.readFileSync(exitFilePath(containerDir), 'utf8').trim();
    return t === '' ? undefined : Number(t);
  } catch {
    return undefined;
  }
}

export function launch(spec: LaunchSpec): LaunchedProcess {
  fs.mkdirSync(spec.containerDir, { recursive: true });
  fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const exitFile = exitFilePath(spec.containerDir);
  fs.rmSync(exitFile, { force: true });
  const log = fs.openSync(spec.logFile, 'a');
  const env: NodeJS.ProcessEnv = Object.fromEntries(spec.env);
  if (spec.workingDir) env.WORKDIR = spec.workingDir;
  if (spec.stdinFifo) env.STDIN_FIFO = spec.stdinFifo;
  const child = spawn(
    'ip',
    ['netns', 'exec', spec.netns, 'unshare', '--uts', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', WRAPPER_SCRIPT, 'svcnet-container', exitFile, spec.hostname, spec.containerDir, spec.resolvConf, spec.hostsFile, ...spec.argv],
    // detached: its own session and process group, so it outlives an agent restart and can be killed as a group
    { detached: true, stdio: ['ignore', log, log], env },
  );
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error('failed to start the container process');
  const pid = child.pid;
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      const recorded = readExitCode(spec.containerDir);
      resolve(recorded ?? code ?? 128 + (signal ? signalNumber(signal) : 9));
    });
    child.on('error', () => resolve(127));
  });
  child.unref();
  // the wrapper's /proc entry exists as soon as spawn returns
  return { pid, procStart: procStartTime(pid) ?? '', exitFile, exited };
}

function signalNumber(sig: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[sig] ?? 9;
}

/** send a signal to the wrapper (SIGTERM is forwarded to the container) or, for SIGKILL, to its whole group */
export function signalContainer(pid: number, sig: 'SIGTERM' | 'SIGKILL'): void {
  try {
    if (sig === 'SIGKILL') process.kill(-pid, 'SIGKILL');
    else process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** poll until the process is gone (works for adopted processes that are not our children) */
export async function waitGone(pid: number, procStart: string | undefined, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isSameProcessAlive(pid, procStart)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isSameProcessAlive(pid, procStart);
}

/** Where a container's stdin FIFO lives; attach writes what the user types into it. */
export function stdinFifoPath(containerDir: string): string {
  return path.join(containerDir, 'stdin');
}

export function ensureFifo(p: string): void {
  try {
    if (fs.statSync(p).isFIFO()) return;
    fs.rmSync(p, { force: true });
  } catch {
    /* absent */
  }
  execFileSync('mkfifo', ['-m', '0600', p]);
}
