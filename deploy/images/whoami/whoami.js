// traefik/whoami stand-in, run by Debian's nodejs inside the image (`/whoami [--port N] [--name NAME]`).
// The output format was ported from svcnet's former built-in echo server
// (apps/node-agent/src/pods/echo-format.ts, whoamiBody); libs/local-registry/src/whoami.test.ts
// pins it. Plain JS (no build step); node >= 18.
'use strict';
const http = require('node:http');
const os = require('node:os');

/** every address of the pod: IPv4 loopback first, then other IPv4, then IPv6 (like whoami) */
function podIps(interfaces) {
  const all = Object.values(interfaces).flatMap((l) => l || []);
  const v4 = all.filter((a) => a.family === 'IPv4' || a.family === 4);
  const v6 = all.filter((a) => a.family === 'IPv6' || a.family === 6);
  return [...v4.filter((a) => a.internal), ...v4.filter((a) => !a.internal), ...v6].map((a) => a.address);
}

/** Hostname, Name, IPs, RemoteAddr, then the request line and headers as received */
function whoamiBody(req, host) {
  const lines = [`Hostname: ${host.hostname}`];
  if (host.name) lines.push(`Name: ${host.name}`);
  for (const ip of host.ips) lines.push(`IP: ${ip}`);
  // Go shows IPv4-mapped peers as plain IPv4
  const addr = req.remoteAddress.replace(/^::ffff:/, '');
  const remote = addr.includes(':') ? `[${addr}]` : addr;
  lines.push(`RemoteAddr: ${remote}:${req.remotePort}`);
  lines.push(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return lines.join('\n') + '\n\n';
}

/** --port/-port flag (also --port=N), then WHOAMI_PORT_NUMBER, then 80 */
function whoamiPort(args, env) {
  for (let i = 0; i < args.length; i++) {
    const m = /^--?port(?:=(\d+))?$/.exec(args[i]);
    if (m) return Number(m[1] ?? args[i + 1]);
  }
  const v = env.WHOAMI_PORT_NUMBER;
  return v && /^\d+$/.test(v) ? Number(v) : 80;
}

/** --name/-name flag, then WHOAMI_NAME, then NAME_APPLICATION (r.deso.tech/whoami) */
function whoamiName(args, env) {
  for (let i = 0; i < args.length; i++) {
    const m = /^--?name(?:=(.*))?$/.exec(args[i]);
    if (m) return m[1] ?? args[i + 1];
  }
  return env.WHOAMI_NAME ?? env.NAME_APPLICATION;
}

/** Go-style durations for ?wait= (e.g. 500ms, 2s, 1m); undefined when absent or invalid */
function parseWait(v) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v || '');
  if (!m) return undefined;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60000 }[m[2]];
}

function main() {
  const args = process.argv.slice(2);
  const port = whoamiPort(args, process.env);
  const name = whoamiName(args, process.env);
  const server = http.createServer((req, res) => {
    const r = {
      method: req.method || 'GET',
      url: req.url || '/',
      httpVersion: req.httpVersion,
      rawHeaders: req.rawHeaders,
      remoteAddress: req.socket.remoteAddress || '',
      remotePort: req.socket.remotePort || 0,
    };
    const [path, query = ''] = r.url.split('?');
    const params = new URLSearchParams(query);
    const host = { hostname: os.hostname(), ips: podIps(os.networkInterfaces()), name };
    let status = 200;
    let type = 'text/plain; charset=utf-8';
    let body;
    if (path === '/health') body = 'OK\n';
    else if (path === '/bench') body = '1';
    else if (path === '/api') {
      type = 'application/json';
      const headers = {};
      for (let i = 0; i + 1 < r.rawHeaders.length; i += 2) (headers[r.rawHeaders[i]] ||= []).push(r.rawHeaders[i + 1]);
      body = JSON.stringify({ hostname: host.hostname, ip: host.ips, headers, url: r.url, host: req.headers.host, method: r.method, name: host.name, remoteAddr: `${r.remoteAddress}:${r.remotePort}` }) + '\n';
    } else {
      body = whoamiBody(r, host);
      if (params.get('env') === 'true') body += Object.entries(process.env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
    }
    const send = () => res.writeHead(status, { 'content-type': type }).end(body);
    const wait = parseWait(params.get('wait'));
    if (wait !== undefined) setTimeout(send, wait);
    else send();
  });
  server.listen(port, () => process.stdout.write(`Starting up on port ${port}\n`));
  // PID 1 in a container: without handlers SIGTERM would be ignored.
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main();
else module.exports = { podIps, whoamiBody, whoamiPort, whoamiName, parseWait };
