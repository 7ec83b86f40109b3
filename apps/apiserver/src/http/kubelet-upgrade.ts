// Hands an upgraded client connection (exec/attach WebSocket, port-forward WebSocket or SPDY)
// to the pod's kubelet: the request line and the client's end-to-end headers go to the kubelet
// endpoint as they came, then bytes are piped both ways until either side closes.
import * as net from 'node:net';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '@svcnet/api-types';
import type { KubeletTarget } from './pod-proxy';

// hop-by-hop (RFC 9110 §7.6.1) and the client's credentials for the apiserver stay here
const HOP_HEADERS = new Set(['host', 'authorization', 'connection', 'upgrade', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'proxy-authorization']);

export async function proxyUpgradeToKubelet(req: http.IncomingMessage, socket: Duplex, head: Buffer, kubelet: KubeletTarget, o: { method: string; path: string; upgrade: string }): Promise<void> {
  const lines = [`${o.method} ${o.path} HTTP/1.1`, `Host: ${kubelet.host}:${kubelet.port}`, 'Connection: Upgrade', `Upgrade: ${o.upgrade}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!HOP_HEADERS.has(req.rawHeaders[i].toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  const up = kubelet.socketPath ? net.connect(kubelet.socketPath) : net.connect(kubelet.port, kubelet.host);
  await new Promise<void>((resolve, reject) => {
    up.once('connect', resolve);
    up.once('error', (e) => reject(new ApiError('InternalError', `error dialing backend: dial tcp ${kubelet.host}:${kubelet.port}: ${e.message}`)));
  });
  up.setNoDelay(true);
  (socket as net.Socket).setNoDelay?.(true);
  up.write(lines.join('\r\n') + '\r\n\r\n');
  if (head.length) up.write(head);
  up.pipe(socket);
  socket.pipe(up);
  const close = () => {
    up.destroy();
    socket.destroy();
  };
  up.on('error', close);
  up.on('close', close);
  socket.on('close', close);
}
