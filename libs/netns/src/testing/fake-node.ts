// A stand-in for a node's NodePorts in root tests and the benchmark, run as
// `node fake-node.js '<json config>'` inside a node namespace: HTTP on each TCP nodePort
// answering "Node: <name>", a UDP echo answering the same, and /healthz on the health
// port with a status code set by a stdin line like {"healthz":503}. Prints "ready".
import { createServer } from 'node:http';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';

export const FAKE_NODE_SCRIPT = __filename;

export interface FakeNodeConfig {
  name: string;
  ip: string;
  tcp: number[];
  udp: number[];
  healthPort?: number;
  healthz?: number;
}

function main(): void {
  const cfg = JSON.parse(process.argv[2]) as FakeNodeConfig;
  let healthz = cfg.healthz ?? 200;
  const listens: Promise<void>[] = [];
  for (const port of cfg.tcp) {
    const srv = createServer((req, res) => res.end(`Node: ${cfg.name} Port: ${port} From: ${req.socket.remoteAddress}\n`));
    srv.keepAliveTimeout = 1000;
    listens.push(new Promise((r) => srv.listen({ host: cfg.ip, port, backlog: 4096 }, () => r())));
  }
  for (const port of cfg.udp) {
    const s = createSocket('udp4');
    s.on('message', (_m, ri) => s.send(`Node: ${cfg.name} Port: ${port}\n`, ri.port, ri.address));
    listens.push(new Promise((r) => s.bind(port, cfg.ip, () => r())));
  }
  if (cfg.healthPort) {
    const h = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? healthz : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ node: cfg.name, localEndpoints: healthz === 200 ? 1 : 0 }));
    });
    listens.push(new Promise((r) => h.listen(cfg.healthPort, cfg.ip, () => r())));
  }
  createInterface({ input: process.stdin }).on('line', (line) => {
    try {
      const m = JSON.parse(line) as { healthz?: number };
      if (m.healthz) healthz = m.healthz;
      process.stdout.write(`ok ${line}\n`);
    } catch {
      /* ignore */
    }
  });
  // The test holds our stdin; when it goes (even kill -9), so do we.
  process.stdin.on('end', () => process.exit(0));
  Promise.all(listens).then(() => process.stdout.write('ready\n'));
}

if (require.main === module) main();
