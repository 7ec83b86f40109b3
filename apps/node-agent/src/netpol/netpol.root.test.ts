// Root test: NetworkPolicy on real pods, with Kubernetes' e2e model and truth tables. One
// cluster for every case: an apiserver, an endpoints-controller, two nodes (ContainerdNode:
// netns + private containerd + the real node-agent) linked by a veth; namespaces x, y, z with
// pods a, b (node 1) and c (node 2). Each case applies policies, waits (without restarting
// anything) until the probed matrix equals the expected one, then removes them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { ApiClient } from '@svcnet/api-client';
import type { Namespace, NetworkPolicy, Pod, Service } from '@svcnet/api-types';
import { TruthTable, nsOf, podOf } from '@svcnet/network-policy';
import { startApp, type AppProcess } from '@svcnet/test-harness';
import { ContainerdNode, sh } from '../testing/containerd-node';
import { NetpolModel } from '../testing/netpol-model';

const suffix = randomBytes(3).toString('hex');
const work = `/var/tmp/svcnet-netpol-it-${suffix}`;
const sock = `unix://${work}/api.sock`;
const CLUSTER_CIDR = '10.93.0.0/16';
const agentArgs = [`--cluster-cidr=${CLUSTER_CIDR}`, '--proxy-min-sync-period=20ms'];

let api: AppProcess | undefined;
let epc: AppProcess | undefined;
let client: ApiClient;
const n1 = new ContainerdNode({ nodeName: `np1-${suffix}`, nodeIP: '192.168.93.1', apiserver: sock, uplink: { ifname: 'nodelink', prefixLen: 24 }, agentArgs });
const n2 = new ContainerdNode({ nodeName: `np2-${suffix}`, nodeIP: '192.168.93.2', apiserver: sock, uplink: { ifname: 'nodelink', prefixLen: 24 }, agentArgs });
let model: NetpolModel;

before(async () => {
  fs.mkdirSync(work, { recursive: true });
  api = await startApp({ app: 'apiserver', args: [`--storage=file:${work}/data`, `--grpc-listen=${sock}`, '--insecure', '--health-port=0', '--bookmark-interval=1', `--cluster-cidr=${CLUSTER_CIDR}`] });
  epc = await startApp({ app: 'endpoints-controller', args: [`--apiserver=${sock}`, '--insecure', '--health-port=0'] });
  client = new ApiClient({ address: sock, insecure: true, timeoutMs: 10000 });
  n1.createNetns();
  n2.createNetns();
  sh('ip', ['-n', n1.netns, 'link', 'add', 'nodelink', 'type', 'veth', 'peer', 'name', 'nodelink', 'netns', n2.netns]);
  await Promise.all([n1.start(), n2.start()]);
  model = new NetpolModel(client, [n1, n2]);
  await model.setup();
});

after(async () => {
  model?.stop();
  await Promise.all([n1.cleanup(), n2.cleanup()]);
  client?.close();
  await epc?.stop();
  await api?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const policies = () => client.resource<NetworkPolicy>('networkpolicies');
const logs = () => `${n1.logs()}\n${n2.logs()}`;

function np(ns: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec };
}

/** Applies the policies, checks each (protocol, port, table), removes them and waits for all-allowed again. */
async function withPolicies(list: NetworkPolicy[], checks: [string, number, TruthTable][]): Promise<void> {
  for (const p of list) await policies().create(p);
  try {
    for (const [protocol, port, want] of checks) await model.expect(want, protocol, port);
  } catch (e) {
    (e as Error).message += `\n${logs().slice(-4000)}`;
    throw e;
  } finally {
    for (const p of list) await policies().delete(p.metadata.namespace, p.metadata.name!).catch(() => undefined);
  }
  // deleting a policy restores traffic
  await model.expect(new TruthTable());
}

const all = () => new TruthTable();
const deny = (pred: (f: string, t: string) => boolean) => new TruthTable().where((f, t) => f !== t && pred(f, t), false);
const ingressX = np('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });

test('no policies: every pod reaches every pod on TCP and UDP 80/81', { timeout: 60_000 }, async () => {
  for (const [proto, port] of [['TCP', 80], ['TCP', 81], ['UDP', 80], ['UDP', 81]] as const) await model.expect(all(), proto, port);
});

test('default-deny ingress (TCP and UDP)', { timeout: 60_000 }, async () => {
  const want = deny((_f, t) => nsOf(t) === 'x');
  await withPolicies([ingressX], [['TCP', 80, want], ['UDP', 81, want]]);
});

test('default-deny egress (DNS is not special)', { timeout: 60_000 }, async () => {
  await withPolicies([np('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] })], [['TCP', 80, deny((f) => nsOf(f) === 'x')], ['UDP', 80, deny((f) => nsOf(f) === 'x')]]);
});

test('allow all ingress next to a default deny', { timeout: 60_000 }, async () => {
  await withPolicies([ingressX, np('x', 'allow-all', { podSelector: {}, ingress: [{}] })], [['TCP', 80, all()]]);
});

test('allow from the same namespace', { timeout: 60_000 }, async () => {
  await withPolicies([np('x', 'same-ns', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })], [['TCP', 80, deny((f, t) => nsOf(t) === 'x' && nsOf(f) !== 'x')]]);
});

test('allow from a namespace by label', { timeout: 60_000 }, async () => {
  const p = np('x', 'from-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] });
  await withPolicies([p], [['TCP', 80, deny((f, t) => t === 'x/a' && nsOf(f) !== 'y')]]);
});

test('allow from pods by label in any namespace (empty namespaceSelector)', { timeout: 60_000 }, async () => {
  const p = np('x', 'from-b', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: 'b' } } }] }] });
  await withPolicies([p], [['TCP', 80, deny((f, t) => t === 'x/a' && podOf(f) !== 'b')]]);
});

test('pod AND namespace selector', { timeout: 60_000 }, async () => {
  const p = np('x', 'and', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'c' } } }] }] });
  await withPolicies([p], [['TCP', 80, deny((f, t) => t === 'x/a' && f !== 'y/c')]]);
});

test('ingress on a named port, on a numeric port, on a range with endPort', { timeout: 90_000 }, async () => {
  const named = np('x', 'named', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-81-udp', protocol: 'UDP' }] }] });
  const denyX = deny((_f, t) => nsOf(t) === 'x');
  await withPolicies([named], [['UDP', 81, all()], ['UDP', 80, denyX], ['TCP', 81, denyX]]);
  const numeric = np('x', 'numeric', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] });
  await withPolicies([numeric], [['TCP', 80, all()], ['TCP', 81, denyX]]);
  const range = np('x', 'range', { podSelector: {}, ingress: [{ ports: [{ port: 81, endPort: 82, protocol: 'TCP' }] }] });
  await withPolicies([range], [['TCP', 81, all()], ['TCP', 80, denyX]]);
});

test('ipBlock with except; egress to a CIDR; egress on a port', { timeout: 90_000 }, async () => {
  // from node 1's pod range except y/a itself
  const cidr = `${model.ip('x/a').split('.').slice(0, 3).join('.')}.0/24`;
  const p = np('x', 'cidr', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ ipBlock: { cidr, except: [`${model.ip('y/a')}/32`] } }] }] });
  await withPolicies([p], [['TCP', 80, deny((f, t) => t === 'x/a' && (podOf(f) === 'c' || f === 'y/a'))]]);
  const egress = np('x', 'egress-cidr', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr } }] }] });
  await withPolicies([egress], [['TCP', 80, deny((f, t) => f === 'x/a' && podOf(t) === 'c')]]);
  const port = np('x', 'egress-81', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 81, protocol: 'UDP' }] }] });
  await withPolicies([port], [['UDP', 81, all()], ['UDP', 80, deny((f) => nsOf(f) === 'x')]]);
});

test('multiple policies: the union of their rules', { timeout: 60_000 }, async () => {
  const a = np('x', 'from-y', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] });
  const b = np('x', 'from-zc', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'z' } }, podSelector: { matchLabels: { pod: 'c' } } }] }] });
  await withPolicies([a, b], [['TCP', 80, deny((f, t) => nsOf(t) === 'x' && nsOf(f) !== 'y' && f !== 'z/c')]]);
});

test('updating a policy, pod and namespace label changes take effect without a restart', { timeout: 120_000 }, async () => {
  const p = await policies().create(np('x', 'from-web', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } } }] }] }));
  try {
    await model.expect(deny((_f, t) => nsOf(t) === 'x'));
    // namespace label: y joins
    const nss = client.resource<Namespace>('namespaces');
    await nss.patch(undefined, 'y', { metadata: { labels: { team: 'web' } } });
    await model.expect(deny((f, t) => nsOf(t) === 'x' && nsOf(f) !== 'y'));
    await nss.patch(undefined, 'y', { metadata: { labels: { team: null } } });
    await model.expect(deny((_f, t) => nsOf(t) === 'x'));
    // policy update: from pods labelled role=client anywhere
    const cur = await policies().get('x', 'from-web');
    cur.spec.ingress = [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'client' } } }] }];
    await policies().update(cur);
    await model.expect(deny((_f, t) => nsOf(t) === 'x'));
    // pod label: z/b enters, then leaves
    const pods = client.resource<Pod>('pods');
    await pods.patch('z', 'b', { metadata: { labels: { role: 'client' } } });
    await model.expect(deny((f, t) => nsOf(t) === 'x' && f !== 'z/b'));
    await pods.patch('z', 'b', { metadata: { labels: { role: null } } });
    await model.expect(deny((_f, t) => nsOf(t) === 'x'));
  } finally {
    await policies().delete('x', p.metadata.name!);
  }
  await model.expect(all());
});

test('traffic through a ClusterIP to an isolated backend is filtered on the targetPort', { timeout: 60_000 }, async () => {
  const svc = await client.resource<Service>('services').create({ metadata: { namespace: 'x', name: 'web' }, spec: { selector: { pod: 'a' }, ports: [{ port: 8080, targetPort: 80 }] } } as Service);
  const vip = svc.spec!.clusterIP!;
  const p = await policies().create(np('x', 'from-y-80', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 80 }] }] }));
  try {
    const probe = async (from: string) => (await model.probeFrom(from, [{ ip: vip, port: 8080, protocol: 'TCP' }]))[0].result;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await Promise.all(['y/a', 'y/c', 'z/a', 'x/b', 'z/c'].map(probe));
      if (r.join() === 'ok,ok,timeout,timeout,timeout') break;
      if (Date.now() > deadline) assert.fail(`via ClusterIP from y/a y/c z/a x/b z/c: ${r.join()}\n${logs().slice(-3000)}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  } finally {
    await policies().delete('x', p.metadata.name!);
    await client.resource<Service>('services').delete('x', 'web');
  }
});

test('an established connection survives policy changes; new connections are dropped', { timeout: 60_000 }, async () => {
  const conn = model.hold('y/b', 'x/c');
  try {
    assert.equal(await conn.send(), 'echo 1');
    await policies().create(np('z', 'unrelated', { podSelector: {}, policyTypes: ['Ingress'] }));
    await model.expect(deny((_f, t) => nsOf(t) === 'z'));
    assert.equal(await conn.send(), 'echo 2');
    // even a policy that now denies this source only drops new connections
    await policies().create(np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }));
    await model.expect(deny((_f, t) => nsOf(t) === 'z' || nsOf(t) === 'x'));
    assert.equal(await conn.send(), 'echo 3');
  } finally {
    conn.close();
    await policies().delete('z', 'unrelated').catch(() => undefined);
    await policies().delete('x', 'deny-all').catch(() => undefined);
  }
  await model.expect(all());
});
