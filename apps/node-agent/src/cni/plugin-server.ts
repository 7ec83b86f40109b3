// The plugin served from inside the node-agent: the svcnet-bridge shim hands each CNI call to
// this socket with curl, so containerd pays for a curl process instead of a Node.js start-up
// per ADD/DEL (0.1 s idle, close to a second under load, most of a pod's sandbox time). The
// code that runs is the same runPlugin the standalone executable runs; the shim falls back to
// that executable when the agent is not there.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { runPlugin } from './main';

/** request headers carrying the CNI_* environment (curl sends them; absent means empty) */
const ENV_HEADERS: Record<string, string> = {
  'cni-command': 'CNI_COMMAND',
  'cni-containerid': 'CNI_CONTAINERID',
  'cni-netns': 'CNI_NETNS',
  'cni-ifname': 'CNI_IFNAME',
  'cni-args': 'CNI_ARGS',
  'cni-path': 'CNI_PATH',
};

export function envFromHeaders(headers: http.IncomingHttpHeaders): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [h, name] of Object.entries(ENV_HEADERS)) {
    const v = headers[h];
    if (typeof v === 'string') env[name] = v;
  }
  return env;
}

export async function startPluginServer(socketPath: string): Promise<http.Server> {
  fs.rmSync(socketPath, { force: true });
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      void runPlugin(envFromHeaders(req.headers), body).then(
        (r) => res.writeHead(r.exitCode === 0 ? 200 : 500, { 'content-type': 'application/json' }).end(r.stdout ? r.stdout + '\n' : ''),
        (e: Error) => res.writeHead(500).end(JSON.stringify({ cniVersion: '1.0.0', code: 999, msg: e.message }) + '\n'),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);
  return server;
}
