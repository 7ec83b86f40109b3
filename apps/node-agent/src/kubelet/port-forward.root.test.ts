// kubectl port-forward end to end without containers: the real kubectl -> the apiserver's
// HTTPS API (upgrade proxied) -> this kubelet port's port-forward server -> a helper entered
// (nsenter --net) into the "pod's" network namespace, here this test's own, connecting to an
// HTTP server on 127.0.0.1. Both transports: kubectl's WebSocket tunnel and, with
// KUBECTL_PORT_FORWARD_WEBSOCKETS=false, plain SPDY. Needs root (nsenter) and kubectl.
// Real containers: port-forward-containerd.root.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, forwardPort, httpGet, startTestApiserver, waitFor, type TestApiserver } from '@svcnet/test-harness';
import { attachExecServer } from './exec-server';
import { attachPortForwardServer, parsePortForwardPath } from './port-forward';

const KUBECTL = '/usr/bin/kubectl';
let dir: string;
let api: TestApiserver;
let kubelet: http.Server;
let app: http.Server;
let appPort: number;
let closedPort: number;
const BIG = Buffer.alloc(5 * 1024 * 1024);
for (let i = 0; i < BIG.length; i += 4) BIG.writeUInt32BE(i, i);
const env = (extra: Record<string, string> = {}) => ({ ...(process.env.PF_DEBUG ? { DEBUG: '1' } : {}), PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: path.join(dir, 'pki', 'admin.kubeconfig'), ...extra });

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env: env(), timeout: 20_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-pf-'));
  app = http.createServer((req, res) => {
    if (req.url === '/big') return res.writeHead(200, { 'Content-Length': BIG.length }).end(BIG);
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`hello from the pod ${req.url}\n`);
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appPort = (app.address() as net.AddressInfo).port;
  // a port nothing listens on
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as net.AddressInfo).port;
  await new Promise<void>((r) => tmp.close(() => r()));

  kubelet = http.createServer((_req, res) => res.writeHead(404).end());
  attachExecServer(kubelet, { target: () => ({ error: 'container not found' }) });
  attachPortForwardServer(kubelet, { target: (ns, pod) => (ns === 'default' && pod === 'pf' ? { sandboxId: 'sandbox-pf', pid: process.pid } : { error: 'pod not found', code: 404 }) }, process.env.PF_DEBUG ? { debug: (m, f) => console.error('DEBUG', m, f), warn: (m, f) => console.error('WARN', m, f) } : undefined);
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as net.AddressInfo).port;

  const pki = path.join(dir, 'pki');
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'apps/apiserver/dist/certs-main.js'), '--dir', pki, '--hosts', '127.0.0.1']);
  api = await startTestApiserver({
    http: true,
    extraArgs: [`--tls-cert-file=${pki}/apiserver.crt`, `--tls-private-key-file=${pki}/apiserver.key`, `--client-ca-file=${pki}/ca.crt`],
  });
  const kc = path.join(pki, 'admin.kubeconfig');
  fs.writeFileSync(kc, fs.readFileSync(kc, 'utf8').replace(/server: .*/, `server: https://127.0.0.1:${api.httpPort}`));
  fs.writeFileSync(path.join(dir, 'objs.yaml'), 'apiVersion: v1\nkind: Node\nmetadata:\n  name: pf-node\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pf\nspec:\n  nodeName: pf-node\n  containers:\n  - name: main\n    image: busybox\n');
  for (const args of [
    ['create', '-f', path.join(dir, 'objs.yaml')],
    ['patch', 'node', 'pf-node', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } })],
    ['patch', 'pod', 'pf', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', podIP: '127.0.0.1', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: {} } }] } })],
  ]) {
    const r = await kubectl(args);
    assert.equal(r.code, 0, r.stderr);
  }
});

after(async () => {
  kubelet?.close();
  app?.close();
  await api?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('port-forward paths', () => {
  assert.deepEqual(parsePortForwardPath('/portForward/default/web'), { namespace: 'default', pod: 'web', uid: undefined });
  assert.deepEqual(parsePortForwardPath('/portForward/ns/p/1234-abcd'), { namespace: 'ns', pod: 'p', uid: '1234-abcd' });
  assert.equal(parsePortForwardPath('/exec/a/b/c'), undefined);
});

for (const transport of ['websocket', 'spdy'] as const) {
  test(`kubectl port-forward over ${transport}: page, 20 concurrent requests, 5 MiB intact, a closed port's error, SIGINT`, async () => {
    const extra: Record<string, string> = transport === 'spdy' ? { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } : {};
    const pf = await forwardPort(KUBECTL, [...(process.env.PF_DEBUG ? ['-v=8'] : []), 'port-forward', 'pod/pf', `:${appPort}`, `:${closedPort}`], env(extra), 2);
    try {
      assert.match(pf.output(), new RegExp(`Forwarding from 127\\.0\\.0\\.1:\\d+ -> ${appPort}`));
      const [local, localClosed] = pf.ports;
      assert.equal((await httpGet(local, '/index.html')).body.toString(), 'hello from the pod /index.html\n');
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => httpGet(local, `/r${i}`)));
      many.forEach((r, i) => assert.equal(r.body.toString(), `hello from the pod /r${i}\n`));
      const big = await httpGet(local, '/big');
      assert.equal(big.body.length, BIG.length);
      assert.equal(createHash('sha256').update(big.body).digest('hex'), createHash('sha256').update(BIG).digest('hex'));
      // nothing listens: the connection closes and kubectl prints the kubelet's error
      await httpGet(localClosed, '/').catch(() => undefined);
      await waitFor('the forwarding error', () => pf.output().includes(`failed to connect to localhost:${closedPort} inside namespace`), 10_000);
      assert.match(pf.output(), new RegExp(`error forwarding port ${closedPort} to pod sandbox-pf, uid : .*IPv4: dial tcp4 127\\.0\\.0\\.1:${closedPort}: connect: connection refused`));
    } catch (e) {
      (e as Error).message += `\nkubectl said:\n${pf.output()}`;
      throw e;
    } finally {
      if (process.env.PF_DEBUG) console.error("KUBECTL OUTPUT:\n" + pf.output());
      const code = await pf.interrupt();
      if (!pf.output().includes('lost connection')) assert.equal(code, 0, pf.output());
    }
  });
}
