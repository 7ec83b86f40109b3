// Local mode as a user runs it: `svcnet up --detach`, a Deployment and a Service, traffic and
// DNS from inside the cluster, `svcnet down` leaving nothing behind, and state surviving a restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiClient } from '@svcnet/api-client';
import type { Deployment, Endpoints, Pod, Service } from '@svcnet/api-types';
import { forwardPort, httpGet, waitFor } from '@svcnet/test-harness';
import { buildBusyboxImage } from '@svcnet/containerd/dist/testing/busybox-image';

const MAIN = path.resolve(__dirname, 'main.js');
const prefix = `svt${randomBytes(2).toString('hex')}`;
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-local-'));
// The state dir must not be under /tmp (pods get a private /tmp); use /var/lib.
const stateDir = fs.mkdtempSync('/var/lib/svcnet-test-');
const runDir = path.join(base, 'run');
const apiPort = String(20000 + Math.floor(Math.random() * 20000));
const flags = [`--api-port=${apiPort}`, `--prefix=${prefix}`, `--state-dir=${stateDir}`, `--run-dir=${runDir}`, `--kubeconfig=${path.join(base, 'kubeconfig')}`];

function svcnet(...args: string[]): string {
  const r = spawnSync(process.execPath, [MAIN, ...args, ...flags], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`svcnet ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}\n${logs()}`);
  return r.stdout;
}

function logs(): string {
  const dir = path.join(runDir, 'logs');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .map((f) => `--- ${f}\n${fs.readFileSync(path.join(dir, f), 'utf8').split('\n').slice(-15).join('\n')}`)
    .join('\n');
}

function ourNetns(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(`${prefix}-`));
}

/** Runs a command on a pseudo-terminal (util-linux script), types `input` once it prompts, returns what it printed. */
function interactive(command: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qc', command, '/dev/null'], { env: { ...process.env, KUBECONFIG: path.join(pki, 'admin.kubeconfig') } });
    let out = '';
    let typed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish; output:\n${out}`));
    }, 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (!typed && out.includes("If you don't see a command prompt")) {
        typed = true;
        setTimeout(() => child.stdin.write(input), 1000);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

function inNetns(ns: string, cmd: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', timeout: 20_000 });
}

after(() => {
  spawnSync(process.execPath, [MAIN, 'down', ...flags], { timeout: 120_000 });
  fs.rmSync(base, { recursive: true, force: true });
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const pki = path.join(stateDir, 'pki');
const client = () =>
  new ApiClient({ address: `unix://${path.join(runDir, 'apiserver.sock')}`, caFile: `${pki}/ca.crt`, certFile: `${pki}/admin.crt`, keyFile: `${pki}/admin.key`, timeoutMs: 10_000 });

function kubectl(...args: string[]): string {
  const r = spawnSync('kubectl', args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, KUBECONFIG: path.join(pki, 'admin.kubeconfig') } });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('svcnet up runs a cluster whose pods serve, resolve and are reachable; down removes everything; state survives', async () => {
  const out = svcnet('up', '--detach');
  assert.match(out, /svcnet is up in/);
  assert.deepEqual(ourNetns().sort(), [`${prefix}-client`, `${prefix}-lan`, `${prefix}-node-1`, `${prefix}-node-2`]);

  // kubectl with the kubeconfig `up` wrote
  assert.match(kubectl('get', 'nodes'), /node-1\s+Ready/);
  // manifests kubectl refuses as it does against Kubernetes, with nothing stored
  const manifest = path.join(base, 'bad.yaml');
  fs.writeFileSync(manifest, 'apiVersion: apps/v1\nkind: Service\nmetadata:\n  name: wrongapi\nspec:\n  ports:\n  - port: 80\n');
  assert.throws(() => kubectl('apply', '-f', manifest), /no matches for kind "Service" in version "apps\/v1"/);
  fs.writeFileSync(manifest, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: typo\nsepc:\n  ports:\n  - port: 80\n');
  assert.throws(() => kubectl('apply', '-f', manifest), /Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "sepc"/);
  assert.doesNotMatch(kubectl('get', 'svc'), /wrongapi|typo/);
  let c = client();
  await c.resource<Deployment>('deployments').create({
    metadata: { name: 'nginx', namespace: 'default' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
  });
  const svc = await c.resource<Service>('services').create({ metadata: { name: 'nginx', namespace: 'default' }, spec: { selector: { app: 'nginx' }, ports: [{ port: 8080, targetPort: 80 }] } });
  const pods = await waitFor(
    '3 running pods with IPs',
    async () => {
      const l = await c.resource<Pod>('pods').list({ namespace: 'default', labelSelector: 'app=nginx' });
      return l.items.length === 3 && l.items.every((p) => p.status?.phase === 'Running' && p.status.podIP) ? l.items : undefined;
    },
    60_000,
  );
  assert.equal(new Set(pods.map((p) => p.status!.podIP)).size, 3);
  assert.equal(new Set(pods.map((p) => p.spec.nodeName)).size, 2, 'pods spread over both nodes');
  const ep = await waitFor('Endpoints with 3 addresses', async () => {
    const e = await c.resource<Endpoints>('endpoints').get('default', 'nginx');
    return (e.subsets?.[0]?.addresses?.length ?? 0) === 3 ? e : undefined;
  });
  assert.deepEqual(ep.subsets![0].addresses!.map((a) => a.ip).sort(), pods.map((p) => p.status!.podIP!).sort());

  // nginx on a pod of node-1, reached from node-2 (cross-node pod routing)
  const p1 = pods.find((p) => p.spec.nodeName === 'node-1')!;
  assert.match(inNetns(`${prefix}-node-2`, ['curl', '-s', '-m', '5', `http://${p1.status!.podIP}/`]), /Welcome to nginx!/);
  // pods are containers: PID 1 is nginx, the node's files (the cluster CA key) are not there
  assert.match(kubectl('exec', p1.metadata.name!, '--', 'cat', '/proc/1/cmdline'), /^nginx: master process/);
  assert.throws(() => kubectl('exec', p1.metadata.name!, '--', 'cat', path.join(pki, 'ca.key')), /No such file or directory|exit code 1/);
  assert.match(kubectl('get', 'pod', p1.metadata.name!, '-o', 'jsonpath={.status.containerStatuses[0].containerID}'), /^containerd:\/\//);
  // kubectl exec and logs reach the node-agent through its unix socket
  assert.equal(kubectl('exec', p1.metadata.name!, '--', 'hostname').trim(), p1.metadata.name);
  assert.match(kubectl('logs', p1.metadata.name!), /start worker process|Configuration complete/);
  // a tools pod (the Service API notes' image): its resolv.conf points at the cluster DNS Service,
  // short names resolve by the search path
  kubectl('run', 'tools', '--image=amsy810/tools:v2.0', '--restart=Never', '--command', '--', 'sleep', '3600');
  await waitFor('tools pod running', async () => (await c.resource<Pod>('pods').get('default', 'tools')).status?.phase === 'Running', 90_000);
  assert.equal(kubectl('exec', 'tools', '--', 'dig', '+short', 'nginx.default.svc.cluster.local').trim(), svc.spec.clusterIP);
  assert.equal(kubectl('exec', 'tools', '--', 'dig', '+search', '+short', 'nginx').trim(), svc.spec.clusterIP);
  assert.match(kubectl('exec', 'tools', '--', 'nslookup', 'nginx'), new RegExp(`Name:\\s+nginx\\.default\\.svc\\.cluster\\.local\\s+Address: ${svc.spec.clusterIP!.replace(/\./g, '\\.')}`));
  assert.match(kubectl('exec', 'tools', '--', 'curl', '-s', '-m', '5', 'http://nginx:8080/'), /Welcome to nginx!/);
  // kubectl port-forward to a pod (SPDY over WebSocket through the apiserver to the kubelet)
  const pf = await forwardPort('kubectl', ['port-forward', `pod/${p1.metadata.name}`, ':80'], { ...process.env, KUBECONFIG: path.join(pki, 'admin.kubeconfig') }, 1);
  try {
    const page = await httpGet(pf.ports[0], '/');
    assert.equal(page.status, 200);
    assert.match(page.body.toString(), /Welcome to nginx!/);
  } finally {
    assert.equal(await pf.interrupt(), 0);
  }
  // kubectl cp goes through exec with tar on stdin
  fs.writeFileSync(path.join(base, 'note.txt'), 'copied in\n');
  kubectl('cp', path.join(base, 'note.txt'), 'default/tools:/tmp/note.txt');
  assert.equal(kubectl('exec', 'tools', '--', 'cat', '/tmp/note.txt'), 'copied in\n');
  // kubectl run attaches (and then deletes the pod): a one-shot command, and an interactive shell on a TTY
  assert.match(kubectl('run', '--image=curlimages/curl', '--restart=Never', '--rm', '-i', 'testpod', '--command', '--', 'curl', '-s', 'http://nginx:8080'), /Welcome to nginx!/);
  assert.match(kubectl('run', '--image=amsy810/tools:v2.0', '--restart=Never', '--rm', '-i', 'testpod2', '--', 'curl', '-s', 'http://nginx:8080'), /Welcome to nginx!/);
  const shell = await interactive('kubectl run -i --tty --image nginx:alpine shell --rm /bin/sh', 'echo hello-from-$(hostname)\nexit\n');
  assert.match(shell, /hello-from-shell/);
  assert.match(shell, /pod "shell" deleted/);
  // every image the Service tutorials use runs, with the behaviour users see from the original
  const tutorial: [string, string, string[] | undefined, string[], RegExp][] = [
    ['t-alpine', 'alpine', ['sleep', '3600'], ['cat', '/etc/alpine-release'], /\d/],
    ['t-busybox', 'busybox', ['sleep', '3600'], ['busybox', 'echo', 'ok'], /^ok$/m],
    ['t-dnsutils', 'tutum/dnsutils', ['sleep', '3600'], ['nslookup', 'kubernetes.default'], /Address: 10\.96\.0\.1/],
    ['t-netshoot', 'nicolaka/netshoot', ['sleep', '3600'], ['bash', '-c', 'dig +short nginx.default.svc.cluster.local'], new RegExp(svc.spec.clusterIP!.replace(/\./g, '\\.'))],
    ['origin', 'r.deso.tech/library/netshoot', ['sleep', '3600'], ['/bin/bash', '-c', 'echo $BASH_VERSION'], /^5\./],
    ['t-whoami', 'traefik/whoami', undefined, ['cat', '/proc/1/cmdline'], /whoami/],
    ['t-deso-whoami', 'r.deso.tech/whoami/whoami', undefined, ['cat', '/proc/1/cmdline'], /whoami/],
    ['t-echo', 'amsy810/echo-nginx:v2.0', undefined, ['cat', '/proc/1/cmdline'], /nginx/],
  ];
  for (const [name, image, command] of tutorial) kubectl('run', name, `--image=${image}`, '--restart=Never', ...(command ? ['--command', '--', ...command] : []));
  await waitFor('tutorial images running', async () => {
    const l = await c.resource<Pod>('pods').list({ namespace: 'default' });
    return tutorial.every(([name]) => l.items.find((p) => p.metadata.name === name)?.status?.phase === 'Running');
  }, 180_000, 500);
  for (const [name, , , check, expect] of tutorial) assert.match(kubectl('exec', name, '--', ...check), expect, `${name}: ${check.join(' ')}`);
  const whoamiIP = (await c.resource<Pod>('pods').get('default', 't-whoami')).status!.podIP!;
  assert.match(kubectl('exec', 'tools', '--', 'curl', '-s', `http://${whoamiIP}/`), /^Hostname: t-whoami$/m);
  const echoIP = (await c.resource<Pod>('pods').get('default', 't-echo')).status!.podIP!;
  assert.match(kubectl('exec', 'tools', '--', 'curl', '-s', `http://${echoIP}/x`), /^Host=\S+ Path=\/x From=t-echo ClientIP=10\.244\.\d+\.\d+ XFF=/);

  // an image built here and loaded with `svcnet images load` runs as a pod
  const archive = await buildBusyboxImage(base, 'example.com/mine/hello:v1', { cmd: ['sh', '-c', 'echo hello from my image; sleep 3600'] });
  assert.match(svcnet('images', 'load', archive), /node-2: loaded example\.com\/mine\/hello:v1/);
  kubectl('run', 'mine', '--image=example.com/mine/hello:v1', '--restart=Never');
  await waitFor('my image logs', () => /hello from my image/.test(kubectl('logs', 'mine')), 60_000);
  // the data path: ClusterIP from a pod, NodePort from outside the cluster
  assert.match(kubectl('exec', 'tools', '--', 'curl', '-s', '-m', '5', `http://${svc.spec.clusterIP}:8080/`), /Welcome to nginx!/);
  await c.resource<Service>('services').patch('default', 'nginx', { spec: { type: 'NodePort', ports: [{ port: 8080, targetPort: 80, nodePort: 30120 }] } }, 'merge');
  await waitFor('NodePort 30120 from the outside client', () => /Welcome to nginx!/.test(inNetns(`${prefix}-client`, ['curl', '-s', '-m', '3', 'http://172.30.0.12:30120/'])), 20_000);

  // A node dies (agent killed, link down): Ready=Unknown, its pods leave the ready addresses,
  // traffic through the ClusterIP continues on node-1's pods.
  const st = JSON.parse(fs.readFileSync(path.join(runDir, 'cluster.json'), 'utf8')) as { processes: { name: string; pid: number }[] };
  process.kill(st.processes.find((p) => p.name === 'node-agent-node-2')!.pid, 'SIGKILL');
  execFileSync('ip', ['-n', `${prefix}-node-2`, 'link', 'set', 'eth0', 'down']);
  const node2Pods = pods.filter((p) => p.spec.nodeName === 'node-2').map((p) => p.status!.podIP!);
  await waitFor(
    'node-2 pods out of the ready addresses',
    async () => {
      const e = await c.resource<Endpoints>('endpoints').get('default', 'nginx');
      const ready = (e.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.ip);
      return ready.length > 0 && !ready.some((ip) => node2Pods.includes(ip));
    },
    60_000,
    500,
  );
  const node = await c.resource('nodes').get(undefined, 'node-2');
  assert.equal((node.status as { conditions: { type: string; status: string }[] }).conditions.find((x) => x.type === 'Ready')!.status, 'Unknown');
  await waitFor('rules without node-2 pods', () => {
    for (let i = 0; i < 10; i++) if (!/Welcome to nginx!/.test(inNetns(`${prefix}-node-1`, ['curl', '-s', '-m', '2', `http://${svc.spec.clusterIP}:8080/`]))) return false;
    return true;
  }, 20_000);
  c.close();

  svcnet('down');
  assert.deepEqual(ourNetns(), [], 'down removes every namespace');

  svcnet('up', '--detach');
  c = client();
  const again = await c.resource<Service>('services').get('default', 'nginx');
  assert.equal(again.spec.clusterIP, svc.spec.clusterIP, 'state survives a restart');
  await waitFor(
    'the stored pods running again',
    async () => {
      const l = await c.resource<Pod>('pods').list({ namespace: 'default', labelSelector: 'app=nginx' });
      const running = l.items.filter((p) => p.status?.phase === 'Running' && p.status.podIP);
      if (running.length !== 3) return undefined;
      const ip = running[0].status!.podIP!;
      const node = running[0].spec.nodeName === 'node-1' ? 'node-2' : 'node-1';
      return /Welcome to nginx!/.test(inNetns(`${prefix}-${node}`, ['curl', '-s', '-m', '3', `http://${ip}/`]));
    },
    90_000,
    500,
  );
  c.close();
});
