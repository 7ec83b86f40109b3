// kubectl port-forward to a real pod: the real kubectl -> the apiserver's HTTPS API -> the
// node-agent's kubelet socket -> localhost:80 inside the pod's network namespace, where
// busybox httpd serves. pod/, svc/ and deploy-less forms, 20 concurrent requests, a 5 MiB
// body intact, the error for a port nothing listens on, Ctrl-C. Needs root, containerd, kubectl.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, forwardPort, httpGet, startTestApiserver, waitFor, type TestApiserver } from '@svcnet/test-harness';
import { ContainerdNode, TEST_IMAGE } from '../testing/containerd-node';

const KUBECTL = '/usr/bin/kubectl';
const suffix = randomBytes(3).toString('hex');
const work = `/var/tmp/svcnet-pf-${suffix}`;
const sock = `unix://${work}/api.sock`;
const nodeName = `pf-node-${suffix}`;
let api: TestApiserver | undefined;
let node: ContainerdNode | undefined;
// what the pod serves as /big: 5 MiB of a known pattern
const BIG = Buffer.alloc(5 * 1024 * 1024, '0123456789abcdef\n');
const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, KUBECONFIG: path.join(work, 'pki', 'admin.kubeconfig'), ...extra });

function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = execFile(KUBECTL, args, { env: env(), timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    c.stdin!.end(input ?? '');
  });
}

const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  nodeName: ${nodeName}
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: ${TEST_IMAGE}
    ports: [{containerPort: 80, name: http}]
    command: [sh, -c, 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && yes 0123456789abcdef | head -c ${BIG.length} > /www/big && exec httpd -f -p 80 -h /www']
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 8080, targetPort: http}]
`;

before(async () => {
  fs.mkdirSync(work, { recursive: true });
  const pki = path.join(work, 'pki');
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'apps/apiserver/dist/certs-main.js'), '--dir', pki, '--hosts', '127.0.0.1']);
  // gRPC on a unix socket for the agent in its netns, HTTPS on loopback for kubectl
  api = await startTestApiserver({
    http: true,
    extraArgs: [`--grpc-listen=${sock}`, `--tls-cert-file=${pki}/apiserver.crt`, `--tls-private-key-file=${pki}/apiserver.key`, `--client-ca-file=${pki}/ca.crt`],
  });
  const kc = path.join(pki, 'admin.kubeconfig');
  fs.writeFileSync(kc, fs.readFileSync(kc, 'utf8').replace(/server: .*/, `server: https://127.0.0.1:${api.httpPort}`));
  node = new ContainerdNode({ nodeName, nodeIP: '192.168.78.1', apiserver: sock, podCIDR: '10.244.78.0/24' });
  await node.start();
  const r = await kubectl(['apply', '-f', '-'], MANIFESTS);
  assert.equal(r.code, 0, r.stderr);
  await waitFor('pod web running', async () => (await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 90_000);
  // httpd is up once the page is there
  await waitFor('httpd', async () => (await kubectl(['exec', 'web', '--', 'sh', '-c', 'test -s /www/big && wget -q -O - http://127.0.0.1/index.html'])).code === 0, 30_000);
});

after(async () => {
  await node?.cleanup();
  await api?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

test('kubectl port-forward pod/web :80 — page, 20 concurrent, 5 MiB, SIGINT', async () => {
  const pf = await forwardPort(KUBECTL, ['port-forward', 'pod/web', ':80'], env(), 1);
  try {
    assert.match(pf.output(), /^Forwarding from 127\.0\.0\.1:\d+ -> 80$/m);
    const [port] = pf.ports;
    assert.equal((await httpGet(port, '/index.html')).body.toString(), 'hello from web\n');
    const many = await Promise.all(Array.from({ length: 20 }, () => httpGet(port, '/index.html')));
    for (const r of many) assert.equal(r.body.toString(), 'hello from web\n');
    const big = await httpGet(port, '/big');
    assert.equal(big.body.length, BIG.length);
    assert.equal(createHash('sha256').update(big.body).digest('hex'), createHash('sha256').update(BIG).digest('hex'));
  } catch (e) {
    (e as Error).message += `\nkubectl said:\n${pf.output()}\n${node?.logs()}`;
    throw e;
  } finally {
    if (process.env.PF_TRANSCRIPT) console.log(`$ kubectl port-forward pod/web :80\n${pf.output()}`);
    assert.equal(await pf.interrupt(), 0, pf.output());
  }
});

test('kubectl port-forward svc/web :8080 resolves to the pod and its targetPort (WebSocket and plain SPDY)', async () => {
  for (const extra of [{}, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }] as Record<string, string>[]) {
    const pf = await forwardPort(KUBECTL, ['port-forward', 'svc/web', ':8080'], env(extra), 1);
    try {
      assert.match(pf.output(), /Forwarding from 127\.0\.0\.1:\d+ -> 80/);
      for (const port of pf.ports) assert.equal((await httpGet(port, '/index.html')).body.toString(), 'hello from web\n');
    } finally {
      assert.equal(await pf.interrupt(), 0, pf.output());
    }
  }
});

test('a port nothing listens on: kubectl prints the kubelet error', async () => {
  const pf = await forwardPort(KUBECTL, ['port-forward', 'pod/web', ':81'], env(), 1);
  try {
    await httpGet(pf.ports[0], '/').catch(() => undefined);
    await waitFor('the error', () => pf.output().includes('failed to connect to localhost:81 inside namespace'), 15_000);
    assert.match(pf.output(), /error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace \\?"[^"\\]+\\?": failed to connect to localhost:81 inside namespace \\?"[0-9a-f]{64}\\?", IPv4: dial tcp4 127\.0\.0\.1:81: connect: connection refused IPv6 dial tcp6 \[::1\]:81: connect: \w/);
  } finally {
    if (process.env.PF_TRANSCRIPT) console.log(`$ kubectl port-forward pod/web :81\n${pf.output()}`);
    await pf.interrupt();
  }
});
