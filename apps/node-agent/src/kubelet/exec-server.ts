// kubelet-style exec and attach over WebSocket on the kubelet port:
//   GET /exec/<ns>/<pod>/<container>?command=sh&command=-c&command=...&stdin=1&stdout=1&stderr=1&tty=1
//   GET /attach/<ns>/<pod>/<container>?stdout=1&stderr=1
// with the Kubernetes stream protocols v5.channel.k8s.io / v4.channel.k8s.io: binary
// frames whose first byte is the stream (0 stdin, 1 stdout, 2 stderr, 3 error/status,
// 4 resize, 255 close in v5). exec runs the command in all of the container's namespaces,
// root, working directory and user (nsenter into the container's init, whose pid CRI reports)
// with the container's environment; a TTY comes from util-linux `script`. attach streams the
// container's output from its CRI log and writes stdin to the container's stdin FIFO.
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { spawn } from 'node:child_process';
import { WebSocketServer, type WebSocket } from 'ws';
import { renderLog } from './cri-log-format';

export interface ExecTarget {
  pid: number;
  logPath: string;
  /** the container's stdin FIFO, if it was started with stdin: true */
  stdinPath?: string;
  /** stdinOnce containers (`kubectl run -i`) are attached from their first output: a short
   *  command may have printed everything before kubectl got to attach */
  fromStart?: boolean;
}

export interface ExecLookup {
  target(namespace: string, pod: string, container: string | undefined): ExecTarget | { error: string };
}

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

export function parseExecPath(urlPath: string): { kind: 'exec' | 'attach'; namespace: string; pod: string; container?: string } | undefined {
  const m = /^\/(exec|attach)\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/.exec(urlPath);
  if (!m) return undefined;
  return { kind: m[1] as 'exec' | 'attach', namespace: decodeURIComponent(m[2]), pod: decodeURIComponent(m[3]), container: m[4] ? decodeURIComponent(m[4]) : undefined };
}

/** The Status kubectl reads from the error channel when the command ends. */
export function exitStatus(code: number, command: string[]): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

function failureStatus(message: string): string {
  return JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function containerEnv(pid: number): Record<string, string> {
  try {
    const env: Record<string, string> = {};
    for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const i = kv.indexOf('=');
      if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
    }
    return env;
  } catch {
    // the process is gone or /proc is not readable: fall back to the default PATH, as runc does
    return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
  }
}

function frame(stream: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([stream]), body]);
}

/** Serves exec/attach upgrades on the kubelet HTTP server; other upgrades are refused. */
export function attachExecServer(server: http.Server, lookup: ExecLookup, log?: { warn(msg: string, f?: Record<string, unknown>): void }): void {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => PROTOCOLS.find((p) => protocols.has(p)) ?? false,
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const p = parseExecPath(url.pathname);
    const refuse = (code: number, msg: string) => socket.end(`HTTP/1.1 ${code} ${code === 404 ? 'Not Found' : 'Bad Request'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(msg)}\r\nConnection: close\r\n\r\n${msg}`);
    if (!p) return refuse(404, 'not found');
    const t = lookup.target(p.namespace, p.pod, p.container);
    if ('error' in t) return refuse(404, t.error);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const q = url.searchParams;
      const opt = (k: string) => q.get(k) === '1' || q.get(k) === 'true';
      if (p.kind === 'exec') runExec(ws, t, q.getAll('command'), { stdin: opt('stdin'), stdout: opt('stdout') || !q.has('stdout'), stderr: opt('stderr') || !q.has('stderr'), tty: opt('tty') }, log);
      else runAttach(ws, t, opt('stdin'));
    });
  });
}

function runExec(ws: WebSocket, t: ExecTarget, command: string[], o: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }, log?: { warn(msg: string, f?: Record<string, unknown>): void }): void {
  if (!command.length) {
    ws.send(frame(ERROR, failureStatus('you must specify at least one command for the container')));
    ws.close(1000);
    return;
  }
  const env = containerEnv(t.pid);
  // every namespace of the container, its root and working directory and its user: the
  // command runs exactly where the container's own processes run
  const ids = processIds(t.pid);
  const enter = ['nsenter', '-t', String(t.pid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', ...(ids ? ['-S', ids.uid, '-G', ids.gid] : []), '--', ...command];
  let argv = enter;
  if (o.tty) {
    // the pseudo-terminal comes from the node's `script`: the image needs no tools of its own
    env.TERM ??= 'xterm';
    argv = ['script', '-qefc', enter.map(shQuote).join(' '), '/dev/null'];
  }
  const child = spawn(argv[0], argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => o.stdout && ws.readyState === ws.OPEN && ws.send(frame(STDOUT, d)));
  child.stderr.on('data', (d: Buffer) => (o.stderr || o.tty) && ws.readyState === ws.OPEN && ws.send(frame(o.tty ? STDOUT : STDERR, d)));
  child.stdin.on('error', () => undefined);
  if (!o.stdin) child.stdin.end();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data.toString());
    if (!buf.length) return;
    const stream = buf[0];
    if (stream === STDIN && o.stdin) child.stdin.write(buf.subarray(1));
    else if (stream === CLOSE && buf[1] === STDIN) child.stdin.end();
    else if (stream === RESIZE) {
      /* terminal size: `script` has no resize control; ignored */
    }
  });
  ws.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let done = false;
  const finish = (code: number) => {
    if (done) return;
    done = true;
    if (ws.readyState === ws.OPEN) {
      ws.send(frame(ERROR, exitStatus(code, command)));
      ws.close(1000);
    }
  };
  child.on('error', (e) => {
    log?.warn('exec failed', { error: e.message });
    finish(126);
  });
  child.on('close', (code, signal) => finish(code ?? (signal ? 137 : 1)));
}

/** the effective uid and gid of a process */
function processIds(pid: number): { uid: string; gid: string } | undefined {
  try {
    const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const uid = /^Uid:\s+\d+\s+(\d+)/m.exec(st)?.[1];
    const gid = /^Gid:\s+\d+\s+(\d+)/m.exec(st)?.[1];
    return uid && gid ? { uid, gid } : undefined;
  } catch {
    // the process is gone: no ids to take
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // ESRCH or no /proc entry: not alive
    return false;
  }
}

function runAttach(ws: WebSocket, t: ExecTarget, stdin: boolean): void {
  let pos = 0;
  if (!t.fromStart) {
    try {
      pos = fs.statSync(t.logPath).size;
    } catch {
      /* no output yet */
    }
  }
  const flush = () => {
    let size = 0;
    try {
      size = fs.statSync(t.logPath).size;
    } catch {
      // no log file yet: nothing to flush
      return;
    }
    if (size < pos) pos = 0;
    if (size === pos) return;
    const fd = fs.openSync(t.logPath, 'r');
    const buf = Buffer.alloc(size - pos);
    fs.readSync(fd, buf, 0, buf.length, pos);
    fs.closeSync(fd);
    // whole CRI log records only; the text without their time/stream prefixes
    const end = buf.lastIndexOf(0x0a) + 1;
    if (end === 0) return;
    pos += end;
    const text = renderLog(buf.subarray(0, end).toString('utf8'));
    if (text && ws.readyState === ws.OPEN) ws.send(frame(STDOUT, Buffer.from(text)));
  };
  const poll = setInterval(() => {
    flush();
    // The container ended: the rest of its output, then a status, then close — as the kubelet does.
    if (!processAlive(t.pid)) {
      clearInterval(poll);
      setTimeout(() => {
        flush();
        if (ws.readyState === ws.OPEN) {
          ws.send(frame(ERROR, JSON.stringify({ metadata: {}, status: 'Success' })));
          ws.close(1000);
        }
      }, 200);
    }
  }, 200);
  // What the user types goes to the container's stdin FIFO (only containers with stdin: true have one).
  let fifo: number | undefined;
  if (stdin && t.stdinPath) {
    try {
      if (fs.statSync(t.stdinPath).isFIFO()) fifo = fs.openSync(t.stdinPath, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    } catch {
      /* the container was started without stdin */
    }
  }
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data.toString());
    if (fifo !== undefined && buf.length > 1 && buf[0] === STDIN) {
      try {
        fs.writeSync(fifo, buf.subarray(1));
      } catch {
        /* the container is gone */
      }
    }
  });
  ws.on('close', () => {
    clearInterval(poll);
    if (fifo !== undefined) fs.closeSync(fifo);
  });
}
