// Integration, all real processes: apiserver, workload-controller, endpoints-controller and the
// node-agent (in a "node" netns this test creates, gRPC over a unix socket). A Deployment of 3
// echo pods behind a NodePort Service; traffic from a client pod, from an "outside host" netns
// wired to the node, across a pod replacement, and across an agent restart with a TCP
// connection held open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { ApiClient } from '@svcnet/api-client';
import type { Deployment, Namespace, Pod, Service } from '@svcnet/api-types';
import { startApp, waitFor, type AppProcess } from '@svcnet/test-harness';
import { podNetnsName } from '../pods/pod-names';

const suffix = randomBytes(3).toString('hex');
const nodeNs = `svpx-${suffix}`;
const outNs = `svpx-${suffix}-out`;
const podPrefix = `svpx${suffix}-`;
const work = `/var/tmp/svcnet-proxy-it-${suffix}`;
const sock = `unix://${work}/api.sock`;
const nodeName = `px-node-${suffix}`;
const NODE_IP = '192.168.78.1';
const OUTSIDE_IP = '192.168.78.2';
const NS = 'px';
const LONG = 90_000;

let api: AppProcess | undefined;
let controllers: AppProcess[] = [];
let agent: AppProcess | undefined;
let client: ApiClient;
const children: ChildProcess[] = [];

const sh = (cmd: string, args: string[], allowFail = false): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 15000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (allowFail) return '';
    throw e;
  }
};
const curl = (netns: string, url: string) => sh('ip', ['netns', 'exec', netns, 'curl', '-sS', '--max-time', '3', url], true);
const hostname = (body: string) => /^Hostname: (\S+)$/m.exec(body)?.[1];

const agentArgs = [
  `--apiserver=${sock}`,
  '--insecure',
  `--node-name=${nodeName}`,
  `--node-ip=${NODE_IP}`,
  `--state-dir=${work}/state`,
  `--netns-prefix=${podPrefix}`,
  '--health-port=0',
  '--kubelet-port=0',
  '--heartbeat-interval=2',
  '--cluster-cidr=10.244.0.0/16',
  '--proxy-sync-period=10s',
];
const startAgent = () => startApp({ app: 'node-agent', prefix: ['ip', 'netns', 'exec', nodeNs], args: agentArgs, readyTimeoutMs: 60_000 });

function withLogs<T>(p: Promise<T>): Promise<T> {
  return p.catch((err) => {
    err.message += `\n--- node-agent ---\n${agent?.logs().slice(-4000) ?? ''}`;
    throw err;
  });
}

before(async () => {
  fs.mkdirSync(work, { recursive: true });
  sh('ip', ['netns', 'add', nodeNs]);
  sh('ip', ['netns', 'add', outNs]);
  for (const ns of [nodeNs, outNs]) sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  // the "outside host": one veth to the node, no other route anywhere
  sh('ip', ['-n', nodeNs, 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outNs]);
  sh('ip', ['-n', nodeNs, 'addr', 'add', `${NODE_IP}/24`, 'dev', 'ext0']);
  sh('ip', ['-n', outNs, 'addr', 'add', `${OUTSIDE_IP}/24`, 'dev', 'eth0']);
  sh('ip', ['-n', nodeNs, 'link', 'set', 'ext0', 'up']);
  sh('ip', ['-n', outNs, 'link', 'set', 'eth0', 'up']);

  api = await startApp({ app: 'apiserver', args: [`--storage=file:${work}/data`, `--grpc-listen=${sock}`, '--insecure', '--health-port=0', '--bookmark-interval=1'] });
  const ctlArgs = [`--apiserver=${sock}`, '--insecure', '--health-port=0'];
  controllers = await Promise.all([startApp({ app: 'workload-controller', args: ctlArgs }), startApp({ app: 'endpoints-controller', args: ctlArgs })]);
  client = new ApiClient({ address: sock, insecure: true, timeoutMs: 10000 });
  await client.resource<Namespace>('namespaces').create({ metadata: { name: NS } });
  agent = await startAgent();
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await agent?.stop();
  await Promise.all(controllers.map((c) => c.stop()));
  client?.close();
  await api?.stop();
  // the agent leaves pods running by design; kill what is left in our pod netns by pid
  const podNs = sh('ip', ['netns', 'list'], true)
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(podPrefix));
  for (const ns of podNs) {
    for (const pid of sh('ip', ['netns', 'pids', ns], true).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    sh('ip', ['netns', 'del', ns], true);
  }
  sh('ip', ['netns', 'del', outNs], true);
  sh('ip', ['netns', 'del', nodeNs], true);
  fs.rmSync(work, { recursive: true, force: true });
});

const pods = () => client.resource<Pod>('pods');
const readyPods = async (app: string) =>
  (await pods().list({ namespace: NS, labelSelector: `app=${app}` })).items.filter(
    (p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );

// Hostnames answering 60 requests to url from netns.
function spread(netns: string, url: string, n = 60): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const h = hostname(curl(netns, url)) ?? '(error)';
    seen.set(h, (seen.get(h) ?? 0) + 1);
  }
  return seen;
}

let svc: Service;
let clientNs: string;

test('ClusterIP from a client pod reaches all 3 pods of a Deployment; NodePort from outside', { timeout: 240_000 }, async () => {
  await client.resource<Deployment>('deployments').create({
    metadata: { namespace: NS, name: 'web' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'whoami', image: 'traefik/whoami', ports: [{ containerPort: 80 }] }] } },
    },
  });
  svc = await client.resource<Service>('services').create({
    metadata: { namespace: NS, name: 'web' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] },
  });
  const cli = await pods().create({
    metadata: { namespace: NS, name: 'client' },
    spec: { nodeName, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
  });
  clientNs = podNetnsName(podPrefix, cli.metadata.uid!);
  const web = await withLogs(waitFor('3 web pods Ready', async () => ((await readyPods('web')).length === 3 ? readyPods('web') : undefined), LONG, 500));
  await waitFor('client pod running', async () => (await pods().get(NS, 'client')).status?.phase === 'Running', LONG, 500);

  const names = web.map((p) => p.metadata.name!).sort();
  const url = `http://${svc.spec.clusterIP}/`;
  // the endpoints controller and the proxy catch up; then every pod answers
  const seen = await withLogs(waitFor('all 3 pods behind the ClusterIP', () => {
    const s = spread(clientNs, url);
    return [...s.keys()].sort().join() === names.join() ? s : undefined;
  }, LONG, 500));
  assert.equal([...seen.values()].reduce((a, b) => a + b, 0), 60);

  // pod-to-service keeps the client pod's IP
  const cliIP = (await pods().get(NS, 'client')).status!.podIP!;
  assert.match(curl(clientNs, url), new RegExp(`^IP: ${cliIP.replace(/\./g, '\\.')}$|RemoteAddr: ${cliIP.replace(/\./g, '\\.')}:`, 'm'));

  const nodePort = svc.spec.ports![0].nodePort!;
  const outside = spread(outNs, `http://${NODE_IP}:${nodePort}/`, 30);
  assert.deepEqual([...outside.keys()].filter((h) => !names.includes(h)), [], JSON.stringify([...outside]));
  assert.ok(outside.size >= 2, `NodePort spreads: ${JSON.stringify([...outside])}`);
});

test('a deleted pod is replaced and the replacement gets traffic', { timeout: 240_000 }, async () => {
  const before = (await readyPods('web')).map((p) => p.metadata.name!);
  const victim = before[0];
  await pods().delete(NS, victim);
  const url = `http://${svc.spec.clusterIP}/`;
  await withLogs(waitFor('the replacement answers and the deleted pod does not', async () => {
    const now = (await readyPods('web')).map((p) => p.metadata.name!).sort();
    if (now.length !== 3 || now.includes(victim)) return undefined;
    const s = spread(clientNs, url);
    return [...s.keys()].sort().join() === now.join() ? s : undefined;
  }, LONG, 500));
});

test('the agent restarts without dropping an open TCP connection or any rule', { timeout: 240_000 }, async () => {
  await pods().create({
    metadata: { namespace: NS, name: 'tcpecho', labels: { app: 'tcpecho' } },
    spec: { nodeName, containers: [{ name: 'echo', image: 'busybox', command: ['socat', 'TCP-LISTEN:9000,fork,reuseaddr', 'EXEC:cat'] }] },
  });
  const echoSvc = await client.resource<Service>('services').create({
    metadata: { namespace: NS, name: 'tcpecho' },
    spec: { selector: { app: 'tcpecho' }, ports: [{ port: 9000, targetPort: 9000 }] },
  });
  await waitFor('tcpecho Ready', async () => (await readyPods('tcpecho')).length === 1, LONG, 500);

  // a long-lived connection through the ClusterIP: each line sent comes back
  let out = '';
  const startConn = () => {
    const c = spawn('ip', ['netns', 'exec', clientNs, 'socat', '-', `TCP:${echoSvc.spec.clusterIP}:9000`], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(c);
    c.stdout!.on('data', (d) => (out += d.toString()));
    return c;
  };
  let conn = startConn();
  await withLogs(waitFor('echo through the ClusterIP', async () => {
    if (conn.exitCode !== null) {
      out = '';
      conn = startConn();
    }
    conn.stdin!.write('ping-1\n');
    await new Promise((r) => setTimeout(r, 300));
    return out.includes('ping-1');
  }, LONG, 200));

  const code = await agent!.stop();
  assert.equal(code, 0);
  // no agent: rules stay in the kernel, new connections still work
  assert.equal(hostname(curl(clientNs, `http://${svc.spec.clusterIP}/`)) !== undefined, true, 'ClusterIP works while the agent is down');
  conn.stdin!.write('ping-2\n');
  await waitFor('echo while the agent is down', () => out.includes('ping-2'), 10_000);

  agent = await startAgent();
  assert.equal(agent.ready.proxySynced, true);
  // the restarted agent found every rule in place: its first (full) sync changed nothing
  const firstSync = agent
    .logs()
    .split('\n')
    .filter((l) => l.includes('"proxy synced"'))
    .map((l) => JSON.parse(l))[0];
  assert.equal(firstSync?.kind, 'full');
  assert.equal(firstSync?.operations, 0, 'a restart rewrites nothing');

  conn.stdin!.write('ping-3\n');
  await waitFor('echo on the same connection after the restart', () => out.includes('ping-3'), 10_000);
  assert.equal(conn.exitCode, null, 'the connection is still open');
  assert.equal(out.split('\n').filter((l) => l.startsWith('ping-')).join(','), 'ping-1,ping-2,ping-3');
  conn.stdin!.end();
});

test('health check node port of a LoadBalancer Service with externalTrafficPolicy Local', { timeout: 120_000 }, async () => {
  const lb = await client.resource<Service>('services').create({
    metadata: { namespace: NS, name: 'web-lb' },
    spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] },
  });
  const hc = lb.spec.healthCheckNodePort!;
  assert.ok(hc > 0);
  const body = await withLogs(waitFor('health check answers 3 local endpoints', () => {
    const b = curl(outNs, `http://${NODE_IP}:${hc}/`);
    return b.includes('"localEndpoints":3') ? b : undefined;
  }, LONG, 500));
  assert.deepEqual(JSON.parse(body).service, { namespace: NS, name: 'web-lb' });
  // externalTrafficPolicy Local: the outside client's own address reaches the pod
  const direct = curl(outNs, `http://${NODE_IP}:${lb.spec.ports![0].nodePort}/`);
  assert.match(direct, new RegExp(`${OUTSIDE_IP.replace(/\./g, '\\.')}`));

  await client.resource<Service>('services').delete(NS, 'web-lb');
  await waitFor('health check server closed', () => curl(outNs, `http://${NODE_IP}:${hc}/`) === '', 30_000, 500);
});
