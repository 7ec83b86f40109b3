// Integration: the real apiserver process and the real node-agent process (in a "node" netns
// this test creates), talking gRPC over a unix socket (sockets cross network namespaces).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { ApiClient } from '@svcnet/api-client';
import type { Namespace, Node, Pod, Service } from '@svcnet/api-types';
import { startApp, waitFor, type AppProcess } from '@svcnet/test-harness';

const suffix = randomBytes(3).toString('hex');
const nodeNs = `svt-it-${suffix}`;
const podPrefix = `svti${suffix}-`;
const work = `/var/tmp/svcnet-it-${suffix}`;
const sock = `unix://${work}/api.sock`;
const nodeName = `it-node-${suffix}`;
let api: AppProcess | undefined;
let agent: AppProcess | undefined;
let client: ApiClient;

const sh = (cmd: string, args: string[], allowFail = false): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 15000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (allowFail) return '';
    throw e;
  }
};
const inNode = (...args: string[]) => sh('ip', ['netns', 'exec', nodeNs, ...args]);
const podNetns = () =>
  sh('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(podPrefix));

before(async () => {
  fs.mkdirSync(work, { recursive: true });
  sh('ip', ['netns', 'add', nodeNs]);
  sh('ip', ['-n', nodeNs, 'link', 'set', 'lo', 'up']);
  api = await startApp({ app: 'apiserver', args: [`--storage=file:${work}/data`, `--grpc-listen=${sock}`, '--insecure', '--health-port=0', '--bookmark-interval=1'] });
  client = new ApiClient({ address: sock, insecure: true, timeoutMs: 10000 });
  await client
    .resource<Namespace>('namespaces')
    .create({ metadata: { name: 'it' } })
    .catch(() => undefined);
  await client.resource<Service>('services').create({ metadata: { namespace: 'it', name: 'my-web' }, spec: { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], selector: { app: 'x' } } });
  agent = await startApp({
    app: 'node-agent',
    // started like local mode does; the agent moves itself to the launcher's mount namespace
    prefix: ['ip', 'netns', 'exec', nodeNs],
    args: [
      `--apiserver=${sock}`,
      '--insecure',
      `--node-name=${nodeName}`,
      '--node-ip=192.168.79.1',
      `--state-dir=${work}/state`,
      `--netns-prefix=${podPrefix}`,
      '--health-port=0',
      '--kubelet-port=0',
      '--heartbeat-interval=1',
      '--cluster-dns=10.96.0.10',
    ],
    readyTimeoutMs: 30000,
  });
});

after(async () => {
  await agent?.stop();
  client?.close();
  await api?.stop();
  // the agent leaves pods running by design; kill what is left in our pod netns by pid
  for (const ns of podNetns()) {
    for (const pid of sh('ip', ['netns', 'pids', ns], true).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    sh('ip', ['netns', 'del', ns], true);
  }
  sh('ip', ['netns', 'del', nodeNs], true);
  fs.rmSync(work, { recursive: true, force: true });
});

test('the agent registers its Node with a podCIDR and keeps the heartbeat going', async () => {
  const node = await client.resource<Node>('nodes').get(undefined, nodeName);
  assert.match(node.spec!.podCIDR!, /^\d+\.\d+\.\d+\.0\/24$/);
  assert.deepEqual(node.status!.addresses![0], { type: 'InternalIP', address: '192.168.79.1' });
  const hb1 = node.status!.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(hb1.status, 'True');
  await waitFor('a newer heartbeat', async () => {
    const n = await client.resource<Node>('nodes').get(undefined, nodeName);
    const hb = n.status!.conditions!.find((c) => c.type === 'Ready')!;
    return hb.lastHeartbeatTime !== hb1.lastHeartbeatTime;
  });
  // the bridge carries the first address of the podCIDR
  const gw = node.spec!.podCIDR!.replace(/\.0\/24$/, '.1');
  assert.match(inNode('ip', '-4', 'addr', 'show', 'dev', 'svcnet0'), new RegExp(`inet ${gw.replace(/\./g, '\\.')}/24`));
});

test('a pod bound to the node runs, gets its status written, serves, logs, and is deleted gracefully', async () => {
  const pods = client.resource<Pod>('pods');
  await pods.create({
    metadata: { namespace: 'it', name: 'who' },
    spec: { nodeName, containers: [{ name: 'whoami', image: 'traefik/whoami', readinessProbe: { httpGet: { path: '/health', port: 80 }, periodSeconds: 1 } }], terminationGracePeriodSeconds: 5 },
  });
  const running = await waitFor('pod Ready', async () => {
    const p = await pods.get('it', 'who');
    return p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
  });
  assert.equal(running.status!.phase, 'Running');
  assert.equal(running.status!.hostIP, '192.168.79.1');
  assert.ok(running.status!.startTime);
  assert.equal(running.status!.containerStatuses![0].ready, true);
  const ip = running.status!.podIP!;
  assert.match(inNode('curl', '-sS', '--max-time', '3', `http://${ip}/`), /^Hostname: who$/m);

  // env vars from the Service, resolv.conf for the namespace, and logs through the kubelet port
  await pods.create({
    metadata: { namespace: 'it', name: 'printer' },
    spec: { nodeName, restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo "svc=$MY_WEB_SERVICE_HOST:$MY_WEB_SERVICE_PORT_HTTP"; cat /etc/resolv.conf'] }] },
  });
  const svc = await client.resource<Service>('services').get('it', 'my-web');
  await waitFor('printer Succeeded', async () => (await pods.get('it', 'printer')).status?.phase === 'Succeeded');
  const kubeletPort = agent!.ready.kubeletPort as number;
  const logs = inNode('curl', '-sS', '--max-time', '3', `http://127.0.0.1:${kubeletPort}/containerLogs/it/printer/c`);
  assert.equal(logs, `svc=${svc.spec.clusterIP}:8080\nnameserver 10.96.0.10\nsearch it.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`);

  // graceful delete: the agent stops the pod, removes its netns, then deletes the object for good
  assert.equal(podNetns().length, 2);
  await pods.delete('it', 'who');
  await waitFor('pod object gone', async () => pods.get('it', 'who').then(() => false, (e) => e.reason === 'NotFound'), 15000);
  assert.equal(podNetns().length, 1);
  assert.equal(sh('ip', ['netns', 'pids', podNetns()[0]], true).trim(), '', 'the completed pod has no processes');
});
