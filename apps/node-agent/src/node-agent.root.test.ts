// Integration: the real apiserver, and the real node-agent driving a real containerd through
// CRI in a "node" netns this test creates. Pods are containers: their own root file system,
// PID 1 and hostname; env and volumes from ConfigMaps and Secrets; restarts, OOM kills, pull
// failures and probes as the kubelet reports them; an agent restart adopts running containers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import { ApiClient } from '@svcnet/api-client';
import type { ConfigMap, Container, Event, Namespace, Node, Pod, Secret } from '@svcnet/api-types';
import { startApp, waitFor, type AppProcess } from '@svcnet/test-harness';
import { ContainerdNode, TEST_IMAGE } from './testing/containerd-node';

const suffix = randomBytes(3).toString('hex');
const work = `/var/tmp/svcnet-it-${suffix}`;
const sock = `unix://${work}/api.sock`;
const NS = 'it';
const nodeName = `it-node-${suffix}`;
let api: AppProcess | undefined;
let client: ApiClient;
let node: ContainerdNode;

before(async () => {
  fs.mkdirSync(work, { recursive: true });
  api = await startApp({ app: 'apiserver', args: [`--storage=file:${work}/data`, `--grpc-listen=${sock}`, '--insecure', '--health-port=0', '--bookmark-interval=1'] });
  client = new ApiClient({ address: sock, insecure: true, timeoutMs: 10000 });
  await client.resource<Namespace>('namespaces').create({ metadata: { name: NS } }).catch(() => undefined);
  node = new ContainerdNode({ nodeName, nodeIP: '192.168.79.1', apiserver: sock, podCIDR: '10.244.79.0/24' });
  await node.start();
});

after(async () => {
  await node?.cleanup();
  client?.close();
  await api?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const pods = () => client.resource<Pod>('pods');

async function runPod(name: string, containers: Partial<Container>[], spec: Partial<Pod['spec']> = {}): Promise<Pod> {
  await pods().create({
    metadata: { name, namespace: NS },
    spec: { nodeName, terminationGracePeriodSeconds: 1, ...spec, containers: containers.map((c, i) => ({ name: `c${i}`, image: TEST_IMAGE, ...c })) as Container[] },
  });
  return pods().get(NS, name);
}

async function podWhere(name: string, what: string, ok: (p: Pod) => boolean, timeoutMs = 60_000): Promise<Pod> {
  let last: Pod | undefined;
  try {
    await waitFor(`${name}: ${what}`, async () => ok((last = await pods().get(NS, name))), timeoutMs);
  } catch (e) {
    (e as Error).message += `\nlast status: ${JSON.stringify(last?.status)}\n${node.logs()}`;
    throw e;
  }
  return last!;
}

const running = (p: Pod) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.every((c) => c.ready);

/** GET on the agent's kubelet endpoint (logs), over its unix socket */
function kubeletGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: `${node.work}/kubelet.sock`, path }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

async function events(name: string): Promise<Event[]> {
  return (await client.resource<Event>('events').list({ namespace: NS })).items.filter((e) => e.involvedObject.name === name);
}

/** runs a command in a pod's container through the pod's exec endpoint: here through the
 *  container's pid, as kubectl exec does (kubectl itself is exercised by the local-mode test) */
function containerPid(p: Pod): number {
  const id = p.status!.containerStatuses![0].containerID!.replace('containerd://', '');
  const out = node.inNode('ctr', ['-a', node.socket, '-n', 'k8s.io', 'task', 'ls']);
  const line = out.split('\n').find((l) => l.startsWith(id));
  return Number(line!.trim().split(/\s+/)[1]);
}

test('the agent registers its Node with the runtime version and images', async () => {
  const n = await waitFor('containerRuntimeVersion', async () => {
    const x = await client.resource<Node>('nodes').get(undefined, nodeName);
    return x.status?.nodeInfo?.containerRuntimeVersion ? x : undefined;
  });
  assert.match(n.status!.nodeInfo!.containerRuntimeVersion!, /^containerd:\/\/1\./);
  await waitFor('status.images', async () => !!(await client.resource<Node>('nodes').get(undefined, nodeName)).status?.images?.some((i) => i.names?.includes(TEST_IMAGE)), 15_000);
});

test('a pod is a container: own root, PID 1 and hostname; node files invisible; logs', async () => {
  await runPod('iso', [{ command: ['sh', '-c', 'echo started; hostname; cat /etc/resolv.conf; ls -d /var/tmp/svcnet-* 2>/dev/null | wc -l; exec sleep 3600'] }]);
  const p = await podWhere('iso', 'running', running);
  const cs = p.status!.containerStatuses![0];
  assert.match(cs.containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
  assert.ok(cs.imageID, 'imageID reported');
  assert.match(p.status!.podIP!, /^10\.244\.79\./);
  const pid = containerPid(p);
  // PID 1 in the container's own PID namespace is the container's process
  assert.equal(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0], 'sleep');
  assert.notEqual(fs.readlinkSync(`/proc/${pid}/ns/pid`), fs.readlinkSync('/proc/self/ns/pid'));
  assert.notEqual(fs.readlinkSync(`/proc/${pid}/ns/mnt`), fs.readlinkSync('/proc/self/ns/mnt'));
  // the node's files (this test's work dir, the agent's state) do not exist in the container's root
  assert.equal(fs.existsSync(`/proc/${pid}/root${work}`), false);
  assert.equal(fs.existsSync(`/proc/${pid}/root/bin/busybox`), true);
  await waitFor('logs', async () => (await kubeletGet(`/containerLogs/${NS}/iso/c0`)).body.includes('started'), 10_000);
  const logs = (await kubeletGet(`/containerLogs/${NS}/iso/c0`)).body.split('\n');
  assert.deepEqual(logs.slice(0, 2), ['started', 'iso']);
  assert.ok(logs.includes('nameserver 10.96.0.10'), logs.join('\n'));
  assert.ok(logs.includes('search it.svc.cluster.local svc.cluster.local cluster.local'));
  // the node's /var/tmp (this test's work dirs) is not the container's
  assert.ok(logs.includes('0'), logs.join('\n'));
  const ts = (await kubeletGet(`/containerLogs/${NS}/iso/c0?timestamps=true&tailLines=1`)).body;
  assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z \S/);
});

test('env and volumes from ConfigMaps and Secrets, downward API and emptyDir', async () => {
  await client.resource<ConfigMap>('configmaps').create({ metadata: { name: 'cfg', namespace: NS }, data: { greeting: 'hello', 'app.conf': 'port=8080\n' } });
  await client.resource<Secret>('secrets').create({ metadata: { name: 'sec', namespace: NS }, data: { password: Buffer.from('s3cret').toString('base64') } });
  await runPod(
    'cfg',
    [
      {
        command: ['sh', '-c', 'echo "G=$GREETING P=$PASSWORD N=$MY_NAME X=$cfg_greeting"; cat /etc/app/app.conf; cat /etc/sec/password; echo; cat /etc/info/name; echo; echo hi > /scratch/f && cat /scratch/f; exec sleep 3600'],
        env: [
          { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
          { name: 'MY_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
        envFrom: [{ prefix: 'cfg_', configMapRef: { name: 'cfg' } }],
        volumeMounts: [
          { name: 'app', mountPath: '/etc/app' },
          { name: 'sec', mountPath: '/etc/sec' },
          { name: 'info', mountPath: '/etc/info' },
          { name: 'scratch', mountPath: '/scratch' },
        ],
      },
    ],
    {
      volumes: [
        { name: 'app', configMap: { name: 'cfg' } },
        { name: 'sec', secret: { secretName: 'sec' } },
        { name: 'info', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { name: 'scratch', emptyDir: {} },
      ],
    },
  );
  await podWhere('cfg', 'running', running);
  await waitFor('logs', async () => (await kubeletGet(`/containerLogs/${NS}/cfg/c0`)).body.includes('hi'), 10_000);
  const lines = (await kubeletGet(`/containerLogs/${NS}/cfg/c0`)).body.split('\n');
  assert.deepEqual(lines.slice(0, 6), ['G=hello P=s3cret N=cfg X=hello', 'port=8080', 's3cret', 'cfg', 'hi', '']);
});

test('init containers run in order, to success, before the app containers', async () => {
  await runPod('init', [{ command: ['sh', '-c', 'cat /work/order; exec sleep 3600'], volumeMounts: [{ name: 'w', mountPath: '/work' }] }], {
    volumes: [{ name: 'w', emptyDir: {} }],
    initContainers: [
      { name: 'first', image: TEST_IMAGE, command: ['sh', '-c', 'echo first >> /work/order'], volumeMounts: [{ name: 'w', mountPath: '/work' }] },
      { name: 'second', image: TEST_IMAGE, command: ['sh', '-c', 'sleep 1; echo second >> /work/order'], volumeMounts: [{ name: 'w', mountPath: '/work' }] },
    ],
  });
  const p = await podWhere('init', 'running', running);
  assert.deepEqual(p.status!.initContainerStatuses!.map((c) => [c.name, c.state?.terminated?.reason]), [['first', 'Completed'], ['second', 'Completed']]);
  assert.equal(p.status!.conditions!.find((c) => c.type === 'Initialized')!.status, 'True');
  await waitFor('logs', async () => (await kubeletGet(`/containerLogs/${NS}/init/c0`)).body === 'first\nsecond\n', 10_000);
});

test('a missing ConfigMap key keeps the container in CreateContainerConfigError', async () => {
  await runPod('badref', [{ command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope' } } }] }]);
  const p = await podWhere('badref', 'config error', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
  assert.equal(p.status!.containerStatuses![0].state!.waiting!.message, `couldn't find key nope in ConfigMap ${NS}/cfg`);
});

test('restarts, exit codes, OOMKilled, StartError and image pull failures as the kubelet reports them', async () => {
  await runPod('crash', [{ command: ['sh', '-c', 'echo once; exit 3'] }]);
  await runPod('oom', [{ command: ['sh', '-c', 'x=a; while true; do x=$x$x; done'], resources: { limits: { memory: '16Mi' } } }], { restartPolicy: 'Never' });
  await runPod('nocmd', [{ command: ['/no/such/binary'] }], { restartPolicy: 'Never' });
  await runPod('nopull', [{ image: 'svcnet.invalid/nothing:1.0' }]);
  await runPod('never', [{ image: 'nothing-here:1.0', imagePullPolicy: 'Never' }]);
  await runPod('badname', [{ image: 'UPPER/Case::x' }]);
  const crash = await podWhere('crash', 'restarted', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && !!p.status?.containerStatuses?.[0]?.lastState?.terminated);
  assert.equal(crash.status!.containerStatuses![0].lastState!.terminated!.exitCode, 3);
  assert.equal(crash.status!.containerStatuses![0].lastState!.terminated!.reason, 'Error');
  const oom = await podWhere('oom', 'OOMKilled', (p) => !!p.status?.containerStatuses?.[0]?.state?.terminated);
  assert.equal(oom.status!.containerStatuses![0].state!.terminated!.reason, 'OOMKilled');
  assert.equal(oom.status!.phase, 'Failed');
  const nocmd = await podWhere('nocmd', 'StartError', (p) => !!p.status?.containerStatuses?.[0]?.state?.terminated);
  assert.equal(nocmd.status!.containerStatuses![0].state!.terminated!.reason, 'StartError');
  assert.equal(nocmd.status!.containerStatuses![0].state!.terminated!.exitCode, 128);
  const nopull = await podWhere('nopull', 'ImagePullBackOff', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff');
  assert.match(nopull.status!.containerStatuses![0].state!.waiting!.message!, /Back-off pulling image "svcnet.invalid\/nothing:1.0"/);
  const ev = await events('nopull');
  assert.ok(ev.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull'), JSON.stringify(ev.map((e) => e.message)));
  assert.ok(ev.some((e) => e.reason === 'Pulling' && e.message === 'Pulling image "svcnet.invalid/nothing:1.0"'));
  const never = await podWhere('never', 'ErrImageNeverPull', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull');
  assert.equal(never.status!.containerStatuses![0].state!.waiting!.message, 'Container image "nothing-here:1.0" is not present with pull policy of Never');
  await podWhere('badname', 'InvalidImageName', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'InvalidImageName');
  const cev = await events('crash');
  for (const r of ['Created', 'Started', 'Pulled']) assert.ok(cev.some((e) => e.reason === r && e.source?.component === 'kubelet'), `${r} event`);
});

test('probes: exec readiness through CRI ExecSync, a failing liveness probe restarts the container', async () => {
  await runPod('probed', [
    {
      command: ['sh', '-c', 'touch /tmp/ready; exec sleep 3600'],
      readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
      livenessProbe: { exec: { command: ['test', '!', '-e', '/tmp/dead'] }, periodSeconds: 1, failureThreshold: 1 },
    },
  ]);
  const p = await podWhere('probed', 'ready', running);
  const pid = containerPid(p);
  fs.writeFileSync(`/proc/${pid}/root/tmp/dead`, '');
  await podWhere('probed', 'restarted by liveness', (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && running(x));
  const ev = await events('probed');
  assert.ok(ev.some((e) => e.reason === 'Unhealthy' && e.message?.startsWith('Liveness probe failed')));
  assert.ok(ev.some((e) => e.reason === 'Killing' && e.message === 'Container c0 failed liveness probe, will be restarted'));
});

test('resources and securityContext reach the container: memory limit, user, read-only root', async () => {
  await runPod('secure', [
    {
      command: ['sh', '-c', 'id -u; touch /x 2>/dev/null && echo writable || echo readonly; exec sleep 3600'],
      resources: { limits: { memory: '64Mi', cpu: '250m' } },
      securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    },
  ]);
  const p = await podWhere('secure', 'running', running);
  const pid = containerPid(p);
  const cg = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /:memory:/.test(l))!.split(':')[2];
  assert.equal(fs.readFileSync(`/sys/fs/cgroup/memory${cg}/memory.limit_in_bytes`, 'utf8').trim(), String(64 * 1024 * 1024));
  assert.equal(fs.readFileSync(`/sys/fs/cgroup/cpu${cg}/cpu.cfs_quota_us`, 'utf8').trim(), '25000');
  await waitFor('logs', async () => (await kubeletGet(`/containerLogs/${NS}/secure/c0`)).body.includes('readonly'), 10_000);
  assert.deepEqual((await kubeletGet(`/containerLogs/${NS}/secure/c0`)).body.split('\n').slice(0, 2), ['1000', 'readonly']);
  assert.equal(p.status!.qosClass ?? 'Burstable', 'Burstable');
});

test('an agent restart adopts running containers; a deleted pod leaves nothing on the node', async () => {
  const before = await pods().get(NS, 'iso');
  const id = before.status!.containerStatuses![0].containerID;
  await node.agent!.stop();
  await node.startAgent();
  // still the same container, not restarted
  await new Promise((r) => setTimeout(r, 3000));
  const after = await pods().get(NS, 'iso');
  assert.equal(after.status!.containerStatuses![0].containerID, id);
  assert.equal(after.status!.containerStatuses![0].restartCount, 0);
  const ip = after.status!.podIP!;
  await pods().delete(NS, 'iso');
  await waitFor('pod gone', async () => !(await pods().list({ namespace: NS })).items.some((p) => p.metadata.name === 'iso'), 30_000);
  const left = await node.cri!.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.name': 'iso' } });
  assert.equal(left.length, 0, 'sandbox removed');
  assert.equal(fs.existsSync(`${node.stateDir}/cni/ipam/${ip}`), false, 'pod IP released');
  assert.equal(fs.existsSync(`${node.stateDir}/pods/${after.metadata.uid}`), false, 'pod dir removed');
});
