// kubectl port-forward, the kubelet half: /portForward/<ns>/<pod>[/<uid>] on the kubelet port.
//   - WebSocket with subprotocol SPDY/3.1+portforward.k8s.io (kubectl 1.30+ tries it first):
//     SPDY/3.1 frames tunnelled in binary messages;
//   - Upgrade: SPDY/3.1 with X-Stream-Protocol-Version: portforward.k8s.io (the fallback).
// Either way a SPDY session follows. Per forwarded connection the client opens two streams
// with the headers streamtype (error|data), port and requestid; once both are there the
// server connects to localhost:<port> inside the pod's network namespace and pipes the data
// stream to it. A failure is written as text on the error stream, in the kubelet's words.
import type * as http from 'node:http';
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { SpdySession, type SpdyStream } from './spdy-session';
import type { SpdyHeaders } from './spdy';
import { PodDialer, netnsPathOf, type PodNetwork } from './port-forward-dialer';
import type { Pod } from '@svcnet/api-types';
import type { PodRuntimeState } from './runtime-cache';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** client-go's prefix for SPDY tunnelled over WebSocket */
export const WEBSOCKET_SPDY_TUNNELING_PREFIX = 'SPDY/3.1+';
const TUNNELED_PROTOCOL = WEBSOCKET_SPDY_TUNNELING_PREFIX + PORT_FORWARD_PROTOCOL;
/** the kubelet's streamCreationTimeout default */
const STREAM_PAIR_TIMEOUT_MS = 30_000;

export interface PortForwardTarget extends PodNetwork {
  /** the pod sandbox id: the runtime names the pod by it in its errors */
  sandboxId: string;
}

export interface PortForwardLookup {
  target(namespace: string, pod: string, uid: string | undefined): PortForwardTarget | { error: string; code?: number };
}

/** the kubelet's lookup: the pod from the informer, its sandbox and a running container's pid from the runtime */
export function kubeletPortForwardLookup(findPod: (namespace: string, name: string) => Pod | undefined, runtime: { pod(uid: string): PodRuntimeState; pidOf(containerId: string): number | undefined }): PortForwardLookup {
  return {
    target(namespace, name, uid) {
      const pod = findPod(namespace, name);
      if (!pod || (uid && pod.metadata.uid !== uid)) return { error: `pod not found ("${name}_${namespace}")`, code: 404 };
      const state = runtime.pod(pod.metadata.uid!);
      const sandbox = state.sandboxes.find((s) => s.state === 'SANDBOX_READY');
      if (!sandbox) return { error: `pod ${name} has no running sandbox`, code: 400 };
      let pid: number | undefined;
      for (const list of state.containers.values()) pid ??= list[0] ? runtime.pidOf(list[0].id) : undefined;
      return { sandboxId: sandbox.id, pid, podIP: pod.status?.podIP };
    },
  };
}

type Log = { debug(msg: string, f?: Record<string, unknown>): void; warn(msg: string, f?: Record<string, unknown>): void };

export function parsePortForwardPath(urlPath: string): { namespace: string; pod: string; uid?: string } | undefined {
  const m = /^\/portForward\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/.exec(urlPath);
  if (!m) return undefined;
  return { namespace: decodeURIComponent(m[1]), pod: decodeURIComponent(m[2]), uid: m[3] ? decodeURIComponent(m[3]) : undefined };
}

/** the stream headers the kubelet insists on (httpStreamReceived) */
export function validateStreamHeaders(h: SpdyHeaders): string | undefined {
  const port = h['port']?.[0] ?? '';
  if (!port) return '"port" header is required';
  if (!/^\d+$/.test(port) || Number(port) > 65535) return `unable to parse "${port}" as a port`;
  if (Number(port) < 1) return `port "${port}" must be > 0`;
  const type = h['streamtype']?.[0] ?? '';
  if (!type) return '"streamType" header is required';
  if (type !== 'error' && type !== 'data') return `invalid stream type "${type}"`;
  return undefined;
}

/** the text a kubelet on containerd writes on the error stream when the port cannot be reached */
export function forwardError(port: number, t: PortForwardTarget, netnsPath: string, cause: string): string {
  return `error forwarding port ${port} to pod ${t.sandboxId}, uid : failed to execute portforward in network namespace "${netnsPath}": failed to connect to localhost:${port} inside namespace "${t.sandboxId}", ${cause}`;
}

function httpError(socket: Duplex, code: number, msg: string): void {
  const phrase: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };
  socket.end(`HTTP/1.1 ${code} ${phrase[code] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(msg)}\r\nConnection: close\r\n\r\n${msg}`);
}

/**
 * Serves port-forward upgrades on the kubelet HTTP server. Call after attachExecServer: the
 * upgrade listeners already there keep every other path.
 */
export function attachPortForwardServer(server: http.Server, lookup: PortForwardLookup, log?: Log): void {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has(TUNNELED_PROTOCOL) ? TUNNELED_PROTOCOL : false) });
  const others = server.listeners('upgrade') as ((req: http.IncomingMessage, socket: Duplex, head: Buffer) => void)[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const p = parsePortForwardPath(url.pathname);
    if (!p) {
      for (const l of others) l.call(server, req, socket, head);
      return;
    }
    socket.on('error', () => undefined);
    const t = lookup.target(p.namespace, p.pod, p.uid);
    if ('error' in t) return httpError(socket, t.code ?? 404, t.error);
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    if (upgrade === 'websocket') {
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
      if (!offered.includes(TUNNELED_PROTOCOL)) {
        // an upgrade failure: kubectl falls back to SPDY
        return httpError(socket, 400, `unable to upgrade: port forwarding over WebSocket needs the subprotocol ${TUNNELED_PROTOCOL}, offered: [${offered.join(' ')}]`);
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const transport = createWebSocketStream(ws);
        transport.on('error', () => undefined);
        servePortForward(transport, t, log);
      });
      return;
    }
    if (upgrade === 'spdy/3.1') {
      const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (!offered.includes(PORT_FORWARD_PROTOCOL)) {
        return httpError(socket, 403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORT_FORWARD_PROTOCOL}]`);
      }
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\nDate: ${new Date().toUTCString()}\r\n\r\n`);
      (socket as net.Socket).setNoDelay?.(true);
      if (head.length) socket.unshift(head);
      servePortForward(socket, t, log);
      return;
    }
    httpError(socket, 400, `unable to upgrade: port forwarding needs Upgrade: SPDY/3.1 or a WebSocket, not ${JSON.stringify(req.headers.upgrade ?? '')}`);
  });
}

interface StreamPair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** one port-forward session over an upgraded transport (SPDY/3.1 bytes both ways) */
export function servePortForward(transport: Duplex, t: PortForwardTarget, log?: Log): SpdySession {
  const dialer = new PodDialer(t);
  const session = new SpdySession(transport, { accept: validateStreamHeaders, log });
  const pairs = new Map<string, StreamPair>();
  session.on('stream', (s: SpdyStream) => {
    const requestId = s.header('requestid') ?? String(s.id);
    let pair = pairs.get(requestId);
    if (!pair) {
      const timer = setTimeout(() => {
        pairs.delete(requestId);
        const p = pair!;
        const msg = `timed out waiting for streams for request ${requestId}`;
        if (p.error) p.error.end(msg);
        p.data?.reset();
      }, STREAM_PAIR_TIMEOUT_MS);
      timer.unref();
      pair = { timer };
      pairs.set(requestId, pair);
    }
    const kind = s.header('streamtype') as 'error' | 'data';
    if (pair[kind]) {
      s.end(`error processing stream for request ${requestId}: ${kind} stream already assigned`);
      return;
    }
    pair[kind] = s;
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      void forward(pair.error, pair.data, t, dialer, log);
    }
  });
  session.on('close', () => {
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
    dialer.close();
  });
  return session;
}

async function forward(errorStream: SpdyStream, data: SpdyStream, t: PortForwardTarget, dialer: PodDialer, log?: Log): Promise<void> {
  const port = Number(data.header('port'));
  // the client writes nothing on the error stream
  errorStream.resume();
  let socket: net.Socket;
  try {
    socket = await dialer.dial(port);
  } catch (e) {
    const msg = t.pid ? forwardError(port, t, netnsPathOf(t.pid), (e as Error).message) : `error forwarding port ${port} to pod ${t.sandboxId}, uid : ${(e as Error).message}`;
    log?.debug('port forward failed', { port, error: msg });
    if (!errorStream.destroyed) errorStream.end(msg);
    if (!data.destroyed) data.end();
    return;
  }
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  let done = false;
  let grace: NodeJS.Timeout | undefined;
  const finish = () => {
    if (done) return;
    done = true;
    if (grace) clearTimeout(grace);
    socket.destroy();
    if (!data.destroyed && !data.writableEnded) data.end();
    if (!errorStream.destroyed && !errorStream.writableEnded) errorStream.end();
  };
  // one direction over: the other gets a second to finish, as containerd gives it
  const oneDone = () => {
    if (podDone && clientDone) finish();
    else if (!grace) grace = setTimeout(finish, 1000);
  };
  let podDone = false;
  let clientDone = false;
  socket.pipe(data);
  data.pipe(socket);
  socket.on('end', () => {
    podDone = true;
    oneDone();
  });
  data.on('end', () => {
    clientDone = true;
    oneDone();
  });
  // reset by the client (it has all it wants) or the session went away
  data.on('close', finish);
  socket.on('close', () => {
    podDone = true;
    if (!data.writableEnded && !data.destroyed) data.end();
    oneDone();
  });
  errorStream.on('close', finish);
}
