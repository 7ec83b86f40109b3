// kubectl exec/attach: WebSocket upgrades on pods/<name>/exec|attach, proxied to the
// node-agent's /exec and /attach endpoints. Not built yet: the upgrade is answered with a
// Status so kubectl prints a clear error.
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiCore } from '../registry/api-core';
import type { Logger } from '@svcnet/observability';
import type { Authenticator } from './auth';
import type { PodProxy } from './pod-proxy';

export interface UpgradeContext {
  core: ApiCore;
  log: Logger;
  pods: PodProxy;
  auth: Authenticator;
}

export function attachUpgradeHandler(server: http.Server, _ctx: UpgradeContext): void {
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'exec and attach are not supported by this svcnet apiserver yet', reason: 'BadRequest', code: 400 });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    void req;
  });
}
