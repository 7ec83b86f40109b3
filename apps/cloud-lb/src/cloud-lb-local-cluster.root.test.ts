// Root: the promise end to end, on a whole local cluster (real apiserver, node-agents
// with their nftables proxy, cloud-lb in the LAN router namespace with its default data path):
// "with externalTrafficPolicy: Local only nodes with endpoints get traffic and the client IP
// is preserved". The outside client (172.31.0.2) curls the LB IP; the echo pod must see it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiClient } from '@svcnet/api-client';
import type { Deployment, Pod, Service } from '@svcnet/api-types';
import { waitFor } from '@svcnet/test-harness';

const MAIN = path.resolve(__dirname, '../../local-cluster/dist/main.js');
const CLIENT_IP = '172.31.0.2';
const prefix = `svlb${randomBytes(2).toString('hex')}`;
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-lb-local-'));
// Not under /tmp: pods get a private /tmp.
const stateDir = fs.mkdtempSync('/var/lib/svcnet-t-lb-');
const runDir = path.join(base, 'run');
const flags = [`--api-port=${20000 + Math.floor(Math.random() * 20000)}`, `--prefix=${prefix}`, `--state-dir=${stateDir}`, `--run-dir=${runDir}`, `--kubeconfig=${path.join(base, 'kubeconfig')}`];

function logs(): string {
  const dir = path.join(runDir, 'logs');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .map((f) => `--- ${f}\n${fs.readFileSync(path.join(dir, f), 'utf8').split('\n').slice(-15).join('\n')}`)
    .join('\n');
}

function svcnet(...args: string[]): string {
  const r = spawnSync(process.execPath, [MAIN, ...args, ...flags], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`svcnet ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}\n${logs()}`);
  return r.stdout;
}

const curlFromClient = (url: string) =>
  spawnSync('ip', ['netns', 'exec', `${prefix}-client`, 'curl', '-sS', '-m', '3', url], { encoding: 'utf8', timeout: 10_000 });

after(() => {
  if (fs.existsSync(MAIN)) spawnSync(process.execPath, [MAIN, 'down', '--purge', ...flags], { timeout: 120_000 });
  fs.rmSync(base, { recursive: true, force: true });
  fs.rmSync(stateDir, { recursive: true, force: true });
  const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`${prefix}-`));
  if (left.length) for (const l of left) spawnSync('ip', ['netns', 'del', l.split(' ')[0]]);
});

test('LoadBalancer + externalTrafficPolicy Local on a local cluster: the pod sees the outside client IP, only its node gets traffic', { timeout: 300_000 }, async (t) => {
  svcnet('up', '--detach');
  const pki = path.join(stateDir, 'pki');
  const c = new ApiClient({ address: `unix://${path.join(runDir, 'apiserver.sock')}`, caFile: `${pki}/ca.crt`, certFile: `${pki}/admin.crt`, keyFile: `${pki}/admin.key`, timeoutMs: 10_000 });
  t.after(() => c.close());
  const withLogs = <T>(p: Promise<T>) =>
    p.catch((err) => {
      err.message += `\n${logs()}`;
      throw err;
    });
  // One replica: one node has a local endpoint, the other must get no LB traffic (under Local
  // a node without one drops it, so a request sent there would time out).
  await c.resource<Deployment>('deployments').create({
    metadata: { name: 'echo', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'echo' } }, template: { metadata: { labels: { app: 'echo' } }, spec: { containers: [{ name: 'echo', image: 'amsy810/echo-nginx', ports: [{ containerPort: 80 }] }] } } },
  });
  await c.resource<Service>('services').create({
    metadata: { name: 'echo', namespace: 'default' },
    spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 80 }] },
  });
  const pod = await withLogs(waitFor('echo pod running', async () => {
    const l = await c.resource<Pod>('pods').list({ namespace: 'default', labelSelector: 'app=echo' });
    return l.items.find((p) => p.status?.phase === 'Running' && p.status.podIP);
  }, 90_000));
  const svc = await withLogs(waitFor('LB ingress', async () => {
    const s = await c.resource<Service>('services').get('default', 'echo');
    return s.status?.loadBalancer?.ingress?.[0]?.ip ? s : undefined;
  }, 30_000));
  assert.ok(svc.spec.healthCheckNodePort, 'Local gets a healthCheckNodePort');
  const ip = svc.status!.loadBalancer!.ingress![0].ip!;
  const url = `http://${ip}/`;
  await withLogs(waitFor('LB IP answers from the client namespace', async () => curlFromClient(url).status === 0, 30_000, 300));
  // Nothing in the LAN router listens on the LB IP: it is forwarded by the kernel.
  const ss = execFileSync('ip', ['netns', 'exec', `${prefix}-lan`, 'ss', '-Htln'], { encoding: 'utf8' });
  assert.doesNotMatch(ss, new RegExp(ip.replace(/\./g, '\\.')));
  // Give the health checks time to take the endpoint-less node out (2 s interval), then every
  // request must be answered by the one pod, with the client's own address.
  await new Promise((r) => setTimeout(r, 2500));
  for (let i = 0; i < 12; i++) {
    const r = curlFromClient(url);
    assert.equal(r.status, 0, `request ${i} failed (sent to the node without endpoints?): ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`ClientIP=${CLIENT_IP.replace(/\./g, '\\.')} `), `the pod must see the outside client: ${r.stdout}`);
    assert.match(r.stdout, new RegExp(`From=${pod.metadata.name} `));
  }
});
