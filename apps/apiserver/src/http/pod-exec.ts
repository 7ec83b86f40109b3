// kubectl exec/attach: WebSocket upgrades (v5.channel.k8s.io) on pods/<name>/exec|attach.
// After authentication and looking up the pod's node, the upgrade request is forwarded to
// the node-agent's kubelet port (/exec|attach/<ns>/<pod>/<container>?command=...) and the
// two sockets are spliced: frames pass through unchanged. SPDY upgrades are refused with
// a Status (kubectl 1.32 uses WebSockets first).
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '@svcnet/api-types';
import type { ApiCore } from '../registry/api-core';
import type { Logger } from '@svcnet/observability';
import type { Authenticator } from './auth';
import type { PodProxy } from './pod-proxy';
import { parseResourcePath } from './request-path';
import { proxyUpgradeToKubelet } from './kubelet-upgrade';
import { toApiError } from './http-io';

export interface UpgradeContext {
  core: ApiCore;
  log: Logger;
  pods: PodProxy;
  auth: Authenticator;
}

const REASON_PHRASE: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

function refuse(socket: Duplex, e: unknown): void {
  const err = toApiError(e);
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${REASON_PHRASE[err.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function attachUpgradeHandler(server: http.Server, ctx: UpgradeContext): void {
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    void upgrade(ctx, req, socket, head).catch((e) => refuse(socket, e));
  });
}

async function upgrade(ctx: UpgradeContext, req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  if (!ctx.auth.authenticate(req)) throw new ApiError('Unauthorized', 'Unauthorized');
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parsed = parseResourcePath(url.pathname);
  if (parsed.type !== 'resource' || parsed.path.info.kind !== 'Pod' || !parsed.path.name || !['exec', 'attach'].includes(parsed.path.subresource ?? '')) {
    throw new ApiError('NotFound', 'the server could not find the requested resource');
  }
  const { namespace = 'default', name, subresource } = parsed.path;
  const q = url.searchParams;
  // pod and container errors first: kubectl retries over SPDY and shows that attempt's error
  const t = await ctx.pods.target(namespace, name, q.get('container'));
  const cs = t.pod.status?.containerStatuses?.find((s) => s.name === t.container);
  if (!cs?.state?.running) throw new ApiError('BadRequest', `unable to upgrade connection: container not found ("${t.container}")`);
  if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    throw new ApiError('BadRequest', `svcnet serves ${subresource} over WebSocket (v5.channel.k8s.io) only, not ${req.headers.upgrade}`);
  }
  q.delete('container');
  const target = `/${subresource}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(t.container)}?${q}`;
  await proxyUpgradeToKubelet(req, socket, head, t.kubelet, { method: 'GET', path: target, upgrade: 'websocket' });
  ctx.log.debug('pod stream', { subresource, namespace, pod: name, container: t.container });
}
