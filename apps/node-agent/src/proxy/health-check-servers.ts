// One HTTP listener per health-check node port, reconciled to the targets of each sync.
// The answer is read at request time, so a change in local endpoints needs no new listener.
import * as http from 'node:http';
import type { Logger } from '@svcnet/observability';
import { healthCheckResponse, type HealthCheckTarget } from './health-check-targets';

export class HealthCheckServers {
  private readonly servers = new Map<number, http.Server>();
  private targets = new Map<number, HealthCheckTarget>();

  constructor(
    private readonly log: Logger,
    private readonly host = '0.0.0.0',
  ) {}

  sync(targets: HealthCheckTarget[]): void {
    this.targets = new Map(targets.map((t) => [t.port, t]));
    for (const [port, server] of this.servers) {
      if (!this.targets.has(port)) {
        server.close();
        this.servers.delete(port);
        this.log.info('health check server closed', { port });
      }
    }
    for (const t of targets) if (!this.servers.has(t.port)) this.listen(t);
  }

  ports(): number[] {
    return [...this.servers.keys()];
  }

  close(): void {
    for (const s of this.servers.values()) s.close();
    this.servers.clear();
  }

  private listen(t: HealthCheckTarget): void {
    const server = http.createServer((req, res) => {
      const target = this.targets.get(t.port);
      if (!target) {
        res.writeHead(404).end();
        return;
      }
      const { status, body } = healthCheckResponse(target);
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'X-Load-Balancing-Endpoint-Weight': String(target.localEndpoints) });
      res.end(body);
    });
    server.on('error', (err) => {
      // e.g. EADDRINUSE: log and retry with the next sync.
      this.log.warn('health check server failed', { port: t.port, service: `${t.namespace}/${t.name}`, err: String(err) });
      this.servers.delete(t.port);
    });
    server.listen(t.port, this.host, () => this.log.info('health check server listening', { port: t.port, service: `${t.namespace}/${t.name}` }));
    this.servers.set(t.port, server);
  }
}
