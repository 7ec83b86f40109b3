// The HTTP side every app exposes: /healthz, /readyz and /metrics (Prometheus text).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from './metrics';

export interface HealthServerOptions {
  host?: string;
  port: number;
  registry: Registry;
  /** readiness check; /readyz answers 503 with the reason while it returns a string */
  notReadyReason?: () => string | undefined;
  /** extra routes, e.g. an admin JSON view */
  routes?: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (path === '/readyz') {
      const reason = opts.notReadyReason?.();
      if (reason) res.writeHead(503, { 'content-type': 'text/plain' }).end(reason);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(opts.registry.render());
    } else if (opts.routes?.[path]) {
      opts.routes[path](req, res);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
