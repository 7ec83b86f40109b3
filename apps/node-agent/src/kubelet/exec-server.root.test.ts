// kubectl exec/attach end to end: the real kubectl -> the apiserver's HTTPS API (WebSocket
// upgrade, proxied) -> this kubelet port's exec server -> nsenter into a "container" process
// (every namespace of it: here the test's own, as the process is a plain `sleep` with its own
// env). Needs root (nsenter) and kubectl. Containers for real: node-agent.root.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, startTestApiserver, waitFor, type TestApiserver } from '@svcnet/test-harness';
import { attachExecServer, exitStatus, parseExecPath } from './exec-server';

const KUBECTL = '/usr/bin/kubectl';
let dir: string;
let api: TestApiserver;
let kubelet: http.Server;
let container: ChildProcess;
const logPath = () => path.join(dir, 'c.log');

function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(KUBECTL, args, { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: path.join(dir, 'pki', 'admin.kubeconfig') }, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? '');
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-exec-'));
  container = spawn('sleep', ['600'], { env: { PATH: process.env.PATH, GREETING: 'hello from the container' }, stdio: 'ignore' });
  kubelet = http.createServer((_req, res) => res.writeHead(404).end());
  attachExecServer(kubelet, { target: (ns, pod, c) => (ns === 'default' && pod === 'sh' && c === 'main' ? { pid: container.pid!, logPath: logPath() } : { error: 'container not found' }) });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as { port: number }).port;

  const pki = path.join(dir, 'pki');
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'apps/apiserver/dist/certs-main.js'), '--dir', pki, '--hosts', '127.0.0.1']);
  api = await startTestApiserver({
    http: true,
    extraArgs: [`--tls-cert-file=${pki}/apiserver.crt`, `--tls-private-key-file=${pki}/apiserver.key`, `--client-ca-file=${pki}/ca.crt`],
  });
  const kc = path.join(pki, 'admin.kubeconfig');
  fs.writeFileSync(kc, fs.readFileSync(kc, 'utf8').replace(/server: .*/, `server: https://127.0.0.1:${api.httpPort}`));
  fs.writeFileSync(path.join(dir, 'objs.yaml'), 'apiVersion: v1\nkind: Node\nmetadata:\n  name: exec-node\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: sh\nspec:\n  nodeName: exec-node\n  containers:\n  - name: main\n    image: busybox\n');
  for (const args of [
    ['create', '-f', path.join(dir, 'objs.yaml')],
    ['patch', 'node', 'exec-node', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } })],
    ['patch', 'pod', 'sh', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: {} } }] } })],
  ]) {
    const r = await kubectl(args);
    assert.equal(r.code, 0, r.stderr);
  }
});

after(async () => {
  container?.kill('SIGKILL');
  kubelet?.close();
  await api?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('exec paths and the exit Status', () => {
  assert.deepEqual(parseExecPath('/exec/default/web/nginx'), { kind: 'exec', namespace: 'default', pod: 'web', container: 'nginx' });
  assert.deepEqual(parseExecPath('/attach/ns/p'), { kind: 'attach', namespace: 'ns', pod: 'p', container: undefined });
  assert.equal(parseExecPath('/containerLogs/a/b/c'), undefined);
  assert.equal(exitStatus(0, ['true']), '{"metadata":{},"status":"Success"}');
  assert.match(exitStatus(2, ['sh', '-c', 'exit 2']), /"reason":"NonZeroExitCode","details":\{"causes":\[\{"reason":"ExitCode","message":"2"\}\]\}/);
});

test('kubectl exec runs in the container with its env; output, stderr and exit code come back', async () => {
  const r = await kubectl(['exec', 'sh', '--', 'sh', '-c', 'echo "$GREETING"; echo oops >&2; exit 3']);
  assert.equal(r.stdout, 'hello from the container\n');
  assert.equal(r.code, 3);
  assert.match(r.stderr, /^oops\ncommand terminated with exit code 3\n$/);
  const cat = await kubectl(['exec', '-i', 'sh', '-c', 'main', '--', 'tr', 'a-z', 'A-Z'], 'piped through stdin\n');
  assert.equal(cat.code, 0, cat.stderr);
  assert.equal(cat.stdout, 'PIPED THROUGH STDIN\n');
  const bad = await kubectl(['exec', 'sh', '-c', 'other', '--', 'true']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /container other is not valid for pod sh/);
});

test('kubectl attach streams what the container writes from now on', async () => {
  // the log is in the CRI format containerd writes
  fs.writeFileSync(logPath(), `${new Date().toISOString()} stdout F old output\n`);
  const child = spawn(KUBECTL, ['attach', 'sh'], { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: path.join(dir, 'pki', 'admin.kubeconfig') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  try {
    await waitFor('attach to connect', () => out.includes("If you don't see a command prompt"), 10_000);
    // kubectl prints its prompt before the stream is up: write until a line arrives
    const writer = setInterval(() => fs.appendFileSync(logPath(), `${new Date().toISOString()} stdout P new \n${new Date().toISOString()} stdout F line\n`), 300);
    try {
      await waitFor('the new line', () => out.includes('new line\n'), 10_000);
    } finally {
      clearInterval(writer);
    }
    assert.ok(!out.includes('old output'));
  } finally {
    child.kill('SIGTERM');
  }
});
