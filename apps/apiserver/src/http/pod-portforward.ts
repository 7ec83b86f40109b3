// kubectl port-forward: upgrades on pods/<name>/portforward (GET with a WebSocket carrying
// SPDY/3.1+portforward.k8s.io, kubectl's first try; POST with Upgrade: SPDY/3.1 and
// X-Stream-Protocol-Version: portforward.k8s.io, its fallback). After authentication and
// finding the pod's node, the upgrade request goes to the node-agent's kubelet port
// (/portForward/<ns>/<pod>) as it came, minus the hop-by-hop headers and the credentials;
// from its response on the two sockets are spliced, so the kubelet speaks SPDY to kubectl.
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, type Pod } from '@svcnet/api-types';
import type { UpgradeContext } from './pod-exec';
import { parseResourcePath } from './request-path';
import { proxyUpgradeToKubelet } from './kubelet-upgrade';
import { toApiError } from './http-io';

const REASON_PHRASE: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

function refuse(socket: Duplex, e: unknown): void {
  const err = toApiError(e);
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${REASON_PHRASE[err.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** is this an upgrade on a pod's portforward subresource */
export function isPortForwardPath(urlPath: string): boolean {
  try {
    const parsed = parseResourcePath(urlPath);
    return parsed.type === 'resource' && parsed.path.info.kind === 'Pod' && !!parsed.path.name && parsed.path.subresource === 'portforward';
  } catch {
    // not a resource path at all: not a portforward upgrade either
    return false;
  }
}

/**
 * Serves pods/<name>/portforward upgrades. Call after attachUpgradeHandler: the upgrade
 * listeners already there keep every other path.
 */
export function attachPortForwardUpgrade(server: http.Server, ctx: UpgradeContext): void {
  const others = server.listeners('upgrade') as ((req: http.IncomingMessage, socket: Duplex, head: Buffer) => void)[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!isPortForwardPath(new URL(req.url ?? '/', 'http://localhost').pathname)) {
      for (const l of others) l.call(server, req, socket, head);
      return;
    }
    socket.on('error', () => undefined);
    void portForward(ctx, req, socket, head).catch((e) => refuse(socket, e));
  });
}

async function portForward(ctx: UpgradeContext, req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  if (!ctx.auth.authenticate(req)) throw new ApiError('Unauthorized', 'Unauthorized');
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parsed = parseResourcePath(url.pathname);
  if (parsed.type !== 'resource' || !parsed.path.name) throw new ApiError('NotFound', 'the server could not find the requested resource');
  const { namespace = 'default', name } = parsed.path;
  const upgrade = String(req.headers.upgrade ?? '');
  if (!['websocket', 'spdy/3.1'].includes(upgrade.toLowerCase())) throw new ApiError('BadRequest', 'Upgrade request required');
  const pod = (await ctx.core.get('pods', namespace, name)) as Pod;
  if (!pod.spec.nodeName) throw new ApiError('BadRequest', `pod ${name} does not have a host assigned`);
  // the node's kubelet endpoint (any container of the pod names the same node)
  const t = await ctx.pods.target(namespace, name, pod.spec.containers[0]?.name ?? null);
  const target = `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}${url.search}`;
  await proxyUpgradeToKubelet(req, socket, head, t.kubelet, { method: req.method ?? 'GET', path: target, upgrade });
  ctx.log.debug('pod port-forward', { namespace, pod: name, transport: upgrade });
}
