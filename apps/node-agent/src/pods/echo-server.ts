#!/usr/bin/env node
// The built-in HTTP echo server behind the whoami / echo-nginx / svcnet/echo images.
// Runs as a pod's process inside its network namespace: `node echo-server.js --mode=whoami [--port N]`.
import * as http from 'node:http';
import * as os from 'node:os';
import { echoNginxBody, echoPort, whoamiBody, type EchoHost } from './echo-format';

function podIps(): string[] {
  const all = Object.values(os.networkInterfaces()).flatMap((l) => l ?? []);
  const v4 = all.filter((a) => a.family === 'IPv4');
  // loopback first, like whoami
  return [...v4.filter((a) => a.internal), ...v4.filter((a) => !a.internal), ...all.filter((a) => a.family === 'IPv6')].map((a) => a.address);
}

function main(): void {
  const argv = process.argv.slice(2);
  const modeArg = argv.find((a) => a.startsWith('--mode='));
  const mode = modeArg ? modeArg.slice('--mode='.length) : 'whoami';
  const rest = argv.filter((a) => a !== modeArg);
  const port = echoPort(mode, rest, process.env);
  const server = http.createServer((req, res) => {
    const host: EchoHost = { hostname: os.hostname(), ips: podIps(), name: process.env.WHOAMI_NAME ?? process.env.NAME_APPLICATION };
    const r = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      httpVersion: req.httpVersion,
      rawHeaders: req.rawHeaders,
      remoteAddress: req.socket.remoteAddress ?? '',
      remotePort: req.socket.remotePort ?? 0,
    };
    const path = r.url.split('?')[0];
    if (mode !== 'echo-nginx' && path === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK\n');
      return;
    }
    const body = mode === 'echo-nginx' ? echoNginxBody(r, host) : whoamiBody(r, host);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    process.stdout.write(`${new Date().toISOString()} ${r.remoteAddress} ${r.method} ${r.url}\n`);
  });
  server.listen(port, () => process.stdout.write(`${mode} echo server listening on :${port}\n`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
