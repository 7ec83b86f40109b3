// Integration, all real processes: apiserver, workload-controller, endpoints-controller and the
// node-agent driving a private containerd in a "node" netns (ContainerdNode; gRPC over a unix
// socket). A Deployment of 3 echo pods (busybox httpd) behind a NodePort Service; traffic from
// a client pod, from an "outside host" netns wired to the node by a veth, across a pod
// replacement, and across an agent restart with a TCP connection held open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { ApiClient } from '@svcnet/api-client';
import type { Deployment, Namespace, Pod, Service } from '@svcnet/api-types';
import { startApp, waitFor, type AppProcess } from '@svcnet/test-harness';
import { ContainerdNode, TEST_IMAGE, sh } from '../testing/containerd-node';

const suffix = randomBytes(3).toString('hex');
const outNs = `svpx-${suffix}-out`;
const work = `/var/tmp/svcnet-proxy-it-${suffix}`;
const sock = `unix://${work}/api.sock`;
const nodeName = `px-node-${suffix}`;
const NODE_IP = '192.168.78.1';
const OUTSIDE_IP = '192.168.78.2';
const NS = 'px';
const LONG = 90_000;

// an echo server as traefik/whoami was: GET / says "Hostname: <pod>", GET /cgi-bin/whoami
// also says who is asking ("RemoteAddr: <ip>:<port>")
const ECHO_SERVER = [
  'mkdir -p /www/cgi-bin',
  'echo "Hostname: $(hostname)" > /www/index.html',
  `printf '%s\\n' '#!/bin/sh' 'printf "Content-Type: text/plain\\r\\n\\r\\n"' 'echo "Hostname: $(hostname)"' 'echo "RemoteAddr: $REMOTE_ADDR:$REMOTE_PORT"' > /www/cgi-bin/whoami`,
  'chmod +x /www/cgi-bin/whoami',
  'exec httpd -f -p 0.0.0.0:80 -h /www',
].join(' && ');

let api: AppProcess | undefined;
let controllers: AppProcess[] = [];
let client: ApiClient;
let node: ContainerdNode | undefined;
let outNsCreated = false;
const children: ChildProcess[] = [];

const curlOutside = (url: string) => sh('ip', ['netns', 'exec', outNs, 'curl', '-sS', '--max-time', '3', url], { allowFail: true });
const hostname = (body: string) => /^Hostname: (\S+)$/m.exec(body)?.[1];
const reIP = (ip: string) => ip.replace(/\./g, '\\.');

function withLogs<T>(p: Promise<T>): Promise<T> {
  return p.catch((err) => {
    err.message += `\n${node?.logs() ?? ''}`;
    throw err;
  });
}

before(async () => {
  fs.mkdirSync(work, { recursive: true });
  api = await startApp({ app: 'apiserver', args: [`--storage=file:${work}/data`, `--grpc-listen=${sock}`, '--insecure', '--health-port=0', '--bookmark-interval=1'] });
  const ctlArgs = [`--apiserver=${sock}`, '--insecure', '--health-port=0'];
  controllers = await Promise.all([startApp({ app: 'workload-controller', args: ctlArgs }), startApp({ app: 'endpoints-controller', args: ctlArgs })]);
  client = new ApiClient({ address: sock, insecure: true, timeoutMs: 10000 });
  await client.resource<Namespace>('namespaces').create({ metadata: { name: NS } });

  node = new ContainerdNode({
    nodeName,
    nodeIP: NODE_IP,
    apiserver: sock,
    uplink: { ifname: 'ext0', prefixLen: 24 },
    // the pod CIDR comes from the apiserver (10.244.x.0/24)
    agentArgs: ['--cluster-cidr=10.244.0.0/16', '--proxy-sync-period=10s'],
  });
  node.createNetns();
  sh('ip', ['netns', 'add', outNs]);
  outNsCreated = true;
  sh('ip', ['-n', outNs, 'link', 'set', 'lo', 'up']);
  // the "outside host": one veth to the node, no other route anywhere
  sh('ip', ['-n', node.netns, 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outNs]);
  sh('ip', ['-n', outNs, 'addr', 'add', `${OUTSIDE_IP}/24`, 'dev', 'eth0']);
  sh('ip', ['-n', outNs, 'link', 'set', 'eth0', 'up']);
  await node.start();
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await node?.cleanup();
  await Promise.all(controllers.map((c) => c.stop()));
  client?.close();
  await api?.stop();
  if (outNsCreated) sh('ip', ['netns', 'del', outNs], { allowFail: true });
  fs.rmSync(work, { recursive: true, force: true });
});

const pods = () => client.resource<Pod>('pods');
const readyPods = async (app: string) =>
  (await pods().list({ namespace: NS, labelSelector: `app=${app}` })).items.filter(
    (p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );

/** the pid of a running pod's first container, to enter the pod's netns */
async function podPid(name: string): Promise<number> {
  const p = await waitFor(`${name} running`, async () => {
    const x = await pods().get(NS, name);
    return x.status?.phase === 'Running' && x.status.containerStatuses?.[0]?.containerID ? x : undefined;
  }, LONG, 500);
  return node!.containerPid(p.status!.containerStatuses![0].containerID!);
}

/** curl from inside the client pod (the host's curl in the pod's network namespace) */
const curlFromPod = (url: string) => node!.inPodNet(clientPid, 'curl', ['-sS', '--max-time', '3', url], { allowFail: true });

/** a TCP connection from the client pod (the host's socat in the pod's netns) */
function openConnection(target: string) {
  const proc = spawn('nsenter', ['-t', String(clientPid), '-n', 'socat', '-', `TCP:${target},connect-timeout=2`], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(proc);
  const c = { proc, out: '', err: '', since: Date.now(), close: () => (proc.exitCode === null && proc.signalCode === null ? proc.kill('SIGKILL') : undefined) };
  proc.stdout!.on('data', (d) => (c.out += d.toString()));
  proc.stderr!.on('data', (d) => (c.err += d.toString()));
  proc.stdin!.on('error', () => undefined);
  return c;
}

// Hostnames answering n requests to url.
function spread(get: (url: string) => string, url: string, n = 60): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const h = hostname(get(url)) ?? '(error)';
    seen.set(h, (seen.get(h) ?? 0) + 1);
  }
  return seen;
}

let svc: Service;
let clientPid: number;

test('ClusterIP from a client pod reaches all 3 pods of a Deployment; NodePort from outside', { timeout: 240_000 }, async () => {
  await client.resource<Deployment>('deployments').create({
    metadata: { namespace: NS, name: 'web' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'whoami', image: TEST_IMAGE, command: ['sh', '-c', ECHO_SERVER], ports: [{ containerPort: 80 }] }] },
      },
    },
  });
  svc = await client.resource<Service>('services').create({
    metadata: { namespace: NS, name: 'web' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] },
  });
  await pods().create({
    metadata: { namespace: NS, name: 'client' },
    spec: { nodeName, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: TEST_IMAGE, command: ['sleep', '3600'] }] },
  });
  const web = await withLogs(waitFor('3 web pods Ready', async () => ((await readyPods('web')).length === 3 ? readyPods('web') : undefined), LONG, 500));
  clientPid = await withLogs(podPid('client'));

  const names = web.map((p) => p.metadata.name!).sort();
  const url = `http://${svc.spec.clusterIP}/`;
  // the endpoints controller and the proxy catch up; then every pod answers
  const seen = await withLogs(waitFor('all 3 pods behind the ClusterIP', () => {
    const s = spread(curlFromPod, url);
    return [...s.keys()].sort().join() === names.join() ? s : undefined;
  }, LONG, 500));
  assert.equal([...seen.values()].reduce((a, b) => a + b, 0), 60);

  // pod-to-service keeps the client pod's IP
  const cliIP = (await pods().get(NS, 'client')).status!.podIP!;
  assert.match(curlFromPod(`${url}cgi-bin/whoami`), new RegExp(`^RemoteAddr: ${reIP(cliIP)}:\\d+$`, 'm'));

  const nodePort = svc.spec.ports![0].nodePort!;
  const outside = spread(curlOutside, `http://${NODE_IP}:${nodePort}/`, 30);
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
    const s = spread(curlFromPod, url);
    return [...s.keys()].sort().join() === now.join() ? s : undefined;
  }, LONG, 500));
});

test('the agent restarts without dropping an open TCP connection or any rule', { timeout: 240_000 }, async () => {
  await pods().create({
    metadata: { namespace: NS, name: 'tcpecho', labels: { app: 'tcpecho' } },
    // busybox nc: -ll with -e is a persistent server, one `cat` per connection
    spec: { nodeName, terminationGracePeriodSeconds: 1, containers: [{ name: 'echo', image: TEST_IMAGE, command: ['nc', '-ll', '-p', '9000', '-e', 'cat'] }] },
  });
  const echoSvc = await client.resource<Service>('services').create({
    metadata: { namespace: NS, name: 'tcpecho' },
    spec: { selector: { app: 'tcpecho' }, ports: [{ port: 9000, targetPort: 9000 }] },
  });
  await withLogs(waitFor('tcpecho Ready', async () => (await readyPods('tcpecho')).length === 1, LONG, 500));

  // a long-lived connection through the ClusterIP from the client pod: each line sent comes back
  const target = `${echoSvc.spec.clusterIP}:9000`;
  let conn = openConnection(target);
  const connInfo = () => `connection to ${target}: exit ${conn.proc.exitCode}, out ${JSON.stringify(conn.out)}, stderr ${JSON.stringify(conn.err)}\nconntrack: ${node!.inNode('conntrack', ['-L', '-p', 'tcp', '--orig-port-dst', '9000'], true)}`;
  await waitFor('echo through the ClusterIP', async () => {
    // not connected yet (no rules, no endpoints) or stuck: a new connection
    if (conn.proc.exitCode !== null || Date.now() - conn.since > 3000) {
      conn.close();
      conn = openConnection(target);
    }
    conn.proc.stdin!.write('ping-1\n');
    await new Promise((r) => setTimeout(r, 300));
    return conn.out.includes('ping-1');
  }, LONG, 200).catch((e) => {
    (e as Error).message += `\n${connInfo()}\n${node!.logs()}`;
    throw e;
  });
  // let late echoes of a retried ping-1 arrive, then count it once
  await new Promise((r) => setTimeout(r, 500));
  conn.out = 'ping-1\n';

  const code = await node!.agent!.stop();
  assert.equal(code, 0);
  // no agent: rules stay in the kernel, new connections still work
  assert.equal(hostname(curlFromPod(`http://${svc.spec.clusterIP}/`)) !== undefined, true, 'ClusterIP works while the agent is down');
  conn.proc.stdin!.write('ping-2\n');
  await waitFor('echo while the agent is down', () => conn.out.includes('ping-2'), 10_000).catch((e) => {
    (e as Error).message += `\n${connInfo()}\n${node!.logs()}`;
    throw e;
  });

  const agent = await withLogs(node!.startAgent());
  assert.equal(agent.ready.proxySynced, true);
  // the restarted agent found every rule in place: its first (full) sync changed nothing
  const firstSync = agent
    .logs()
    .split('\n')
    .filter((l) => l.includes('"proxy synced"'))
    .map((l) => JSON.parse(l))[0];
  assert.equal(firstSync?.kind, 'full', agent.logs().slice(-4000));
  assert.equal(firstSync?.operations, 0, `a restart rewrites nothing:\n${agent.logs().slice(-4000)}`);

  conn.proc.stdin!.write('ping-3\n');
  await waitFor('echo on the same connection after the restart', () => conn.out.includes('ping-3'), 10_000).catch((e) => {
    (e as Error).message += `\n${connInfo()}\n${node!.logs()}`;
    throw e;
  });
  assert.equal(conn.proc.exitCode, null, 'the connection is still open');
  assert.equal(conn.out.split('\n').filter((l) => l.startsWith('ping-')).join(','), 'ping-1,ping-2,ping-3');
  conn.proc.stdin!.end();
});

test('health check node port of a LoadBalancer Service with externalTrafficPolicy Local', { timeout: 120_000 }, async () => {
  const lb = await client.resource<Service>('services').create({
    metadata: { namespace: NS, name: 'web-lb' },
    spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] },
  });
  const hc = lb.spec.healthCheckNodePort!;
  assert.ok(hc > 0);
  const body = await withLogs(waitFor('health check answers 3 local endpoints', () => {
    const b = curlOutside(`http://${NODE_IP}:${hc}/`);
    return b.includes('"localEndpoints":3') ? b : undefined;
  }, LONG, 500));
  assert.deepEqual(JSON.parse(body).service, { namespace: NS, name: 'web-lb' });
  // externalTrafficPolicy Local: the outside client's own address reaches the pod
  const direct = await withLogs(waitFor('NodePort of the LoadBalancer answers', () => {
    const b = curlOutside(`http://${NODE_IP}:${lb.spec.ports![0].nodePort}/cgi-bin/whoami`);
    return hostname(b) ? b : undefined;
  }, 30_000, 500));
  assert.match(direct, new RegExp(`^RemoteAddr: ${reIP(OUTSIDE_IP)}:\\d+$`, 'm'));

  await client.resource<Service>('services').delete(NS, 'web-lb');
  await waitFor('health check server closed', () => curlOutside(`http://${NODE_IP}:${hc}/`) === '', 30_000, 500);
});
