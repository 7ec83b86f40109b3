// The cloud-lb root suite, run once per data path (cloud-lb.root.test.ts: nftables,
// cloud-lb-userspace.root.test.ts): real processes in real namespaces — the apiserver,
// cloud-lb (its data path in the "lb" namespace), two fake nodes answering on their NodePorts
// with the peer address they saw, and an outside client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, Service } from '@svcnet/api-types';
import { startApp, startTestApiserver, waitFor, type AppProcess, type TestApiserver } from '@svcnet/test-harness';
import { LbTopology, nodeOf } from '@svcnet/netns/testing';
import { LB_FINALIZER } from '../lb-spec';
import type { DataplaneMode, LbView } from '../dataplane';

export function lbSuite(mode: DataplaneMode): void {

let topo: LbTopology;
let api: TestApiserver;
let lb: AppProcess;
const POOL = '10.78.42.10-10.78.42.20';

const services = () => api.client.resource<Service>('services');
const get = (name: string) => services().get('default', name);
const ingressOf = async (name: string) => (await get(name)).status?.loadBalancer?.ingress?.[0];

async function startLb(): Promise<AppProcess> {
  return startApp({
    app: 'cloud-lb',
    args: [`--apiserver=${api.address}`, '--insecure', `--pool=${POOL}`, `--netns=${topo.lbNs}`, `--interface=${topo.lbIface}`, '--health-port=0', '--health-check-interval=1s', `--dataplane=${mode}`],
  });
}

async function lbView(): Promise<{ loadBalancers: LbView[]; allocationFailures: { service: string; message: string }[] }> {
  return (await fetch(`http://127.0.0.1:${lb.ready.healthPort}/lb`)).json() as never;
}

const withLogs = <T>(p: Promise<T>) =>
  p.catch((err) => {
    err.message += `\n--- cloud-lb ---\n${lb?.logs().slice(-4000)}`;
    throw err;
  });

function lbService(name: string, spec: Partial<Service['spec']>): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }], ...spec } };
}

async function waitIngress(name: string): Promise<string> {
  const ing = await withLogs(waitFor(`ingress of ${name}`, () => ingressOf(name), 10_000));
  assert.equal(ing.ipMode, 'VIP');
  return ing.ip!;
}

async function nodesAnswering(url: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await topo.curl(url);
    assert.equal(r.code, 0, `request ${i} to ${url} failed: ${r.stderr}`);
    out.push(nodeOf(r.stdout)!);
  }
  return out;
}

before(async () => {
  topo = await LbTopology.create();
  api = await startTestApiserver();
  for (const n of topo.nodes) {
    await api.client.resource<Node>('nodes').create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: n.name },
      status: { addresses: [{ type: 'InternalIP', address: n.ip }], conditions: [{ type: 'Ready', status: 'True' }] },
    });
    await topo.startNode(n, { tcp: [30080, 30081, 30082, 30083], udp: [30053], healthPort: 31000 });
  }
  // A table left by an earlier nftables run must not keep DNATing once we run userspace.
  if (mode === 'userspace') await topo.exec(topo.lbNs, 'nft', ['add', 'table', 'ip', 'svcnet-lb']);
  lb = await startLb();
});

after(async () => {
  await lb?.stop();
  await api?.stop();
  await topo?.dispose();
});

test('a LoadBalancer Service gets a pool IP, a finalizer, and TCP and UDP reach both nodes through it', async () => {
  await services().create(lbService('web', { ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }] }));
  const ip = await waitIngress('web');
  assert.equal(ip, '10.78.42.10');
  assert.ok((await get('web')).metadata.finalizers?.includes(LB_FINALIZER));
  assert.deepEqual(await topo.lbAddresses(), [ip]);
  await withLogs(waitFor('both nodes healthy in /lb', async () => (await lbView()).loadBalancers.find((l) => l.ip === ip)?.backends.every((b) => b.healthy === true)));
  // Round robin (userspace) alternates; numgen random (nftables) may pick one node several
  // times in a row, so ask until both answered (40 requests: a miss is 2^-39 by chance).
  const seen: string[] = [];
  for (let i = 0; i < 40 && new Set(seen).size < 2; i++) seen.push(...(await nodesAnswering(`http://${ip}/`, 1)));
  assert.deepEqual(new Set(seen), new Set(['node1', 'node2']), `both nodes get traffic: ${seen}`);
  const udp = await topo.udp(ip, 53);
  assert.match(udp.stdout, /Node: node\d Port: 30053/);
  // What the node sees as the peer: the client (kernel DNAT, no masquerade) or the LB's own
  // address towards that node (userspace proxy).
  const from = /From: (\S+)/.exec((await topo.curl(`http://${ip}/`)).stdout)?.[1];
  if (mode === 'nftables') {
    assert.equal(from, topo.clientIP, 'the node sees the real client IP');
    const view = (await lbView()).loadBalancers.find((l) => l.ip === ip)!;
    assert.deepEqual(view.ports.find((p) => p.port === 80)?.forwardsTo, topo.nodes.map((n) => n.ip));
    const rules = await topo.exec(topo.lbNs, 'nft', ['list', 'table', 'ip', 'svcnet-lb']);
    assert.match(rules.stdout, /10\.78\.42\.10 \. tcp \. 80 : goto lb-/);
    assert.match(rules.stdout, /numgen random mod 2 vmap/);
    assert.match(rules.stdout, /dnat to 10\.240\.1\.2:30080/);
    assert.doesNotMatch(rules.stdout, /masquerade/);
    const listening = await topo.exec(topo.lbNs, 'ss', ['-Htlnu']);
    assert.doesNotMatch(listening.stdout, /10\.78\.42\.10/, 'nothing listens on the LB IP in nftables mode');
    return;
  }
  assert.match(from ?? '', /^10\.240\.[12]\.1$/, `userspace: the node sees the LB, got ${from}`);
  assert.notEqual((await topo.exec(topo.lbNs, 'nft', ['list', 'table', 'ip', 'svcnet-lb'])).code, 0, 'the stale nftables table was removed');
  // The data path reports to the controller within ~50 ms (it may live in another process).
  const metrics = await withLogs(waitFor('connections in /metrics', async () => {
    const m = await (await fetch(`http://127.0.0.1:${lb.ready.healthPort}/metrics`)).text();
    return /cloud_lb_connections_total\{node="node\d",port="80\/TCP",service="default\/web"\} [1-9]/.test(m) && m;
  }, 3000));
  assert.match(metrics, /cloud_lb_backend_healthy\{ip="10\.78\.42\.10",node="node1",service="default\/web"\} 1/);
  assert.match(metrics, /cloud_lb_connections_total\{node="node\d",port="80\/TCP",service="default\/web"\} \d+/);
  assert.match(metrics, /cloud_lb_pool_allocated 1/);
});

test('a node whose nodePort stops answering is taken out within seconds; traffic continues on the other', async () => {
  const ip = (await ingressOf('web'))!.ip!;
  const [n1, n2] = topo.nodes;
  await topo.stopNode(n2);
  const t0 = Date.now();
  if (mode === 'userspace') {
    // Every request succeeds meanwhile: a refused connect is retried on the other node.
    const during = await nodesAnswering(`http://${ip}/`, 10);
    assert.deepEqual(new Set(during), new Set(['node1']));
  }
  await withLogs(waitFor('node2 unhealthy', async () => (await lbView()).loadBalancers.find((l) => l.ip === ip)?.backends.find((b) => b.node === 'node2')?.healthy === false, 15000));
  process.stderr.write(`node2 marked out after ${Date.now() - t0} ms\n`);
  if (mode === 'nftables') {
    // The kernel has no retry: from the moment the check says so, node2 is out of the map.
    await withLogs(waitFor('node2 out of the map', async () => {
      const p = (await lbView()).loadBalancers.find((l) => l.ip === ip)?.ports.find((x) => x.port === 80);
      return p?.forwardsTo?.length === 1 && p.forwardsTo[0] === n1.ip;
    }, 10000));
    assert.deepEqual(new Set(await nodesAnswering(`http://${ip}/`, 10)), new Set(['node1']));
  }
  await topo.startNode(n2, n1.config!);
  await withLogs(waitFor('node2 back', async () => (await lbView()).loadBalancers.find((l) => l.ip === ip)?.backends.every((b) => b.healthy === true), 15000));
  const back: string[] = [];
  for (let i = 0; i < 40 && !back.includes('node2'); i++) back.push(...(await nodesAnswering(`http://${ip}/`, 1)));
  assert.ok(back.includes('node2'), `node2 gets traffic again: ${back}`);
});

test('externalTrafficPolicy Local: only nodes whose /healthz answers 200 get traffic', async () => {
  const [n1, n2] = topo.nodes;
  topo.setHealthz(n1, 200);
  topo.setHealthz(n2, 503);
  await services().create(lbService('local', { externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, ports: [{ port: 80, nodePort: 30081 }] }));
  const ip = await waitIngress('local');
  await withLogs(waitFor('node2 out', async () => (await lbView()).loadBalancers.find((l) => l.ip === ip)?.backends.find((b) => b.node === 'node2')?.healthy === false));
  assert.deepEqual(new Set(await nodesAnswering(`http://${ip}/`, 8)), new Set(['node1']));
  if (mode === 'nftables') assert.ok((await topo.curl(`http://${ip}/`)).stdout.includes(`From: ${topo.clientIP}\n`), 'Local: client IP preserved');
  topo.setHealthz(n1, 503);
  topo.setHealthz(n2, 200);
  await withLogs(waitFor('node1 out, node2 in', async () => {
    const b = (await lbView()).loadBalancers.find((l) => l.ip === ip)?.backends;
    return b?.find((x) => x.node === 'node1')?.healthy === false && b?.find((x) => x.node === 'node2')?.healthy === true;
  }, 8000));
  assert.deepEqual(new Set(await nodesAnswering(`http://${ip}/`, 8)), new Set(['node2']));
  topo.setHealthz(n1, 200);
});

test('port and nodePort changes are followed on the same IP', async () => {
  const ip = (await ingressOf('local'))!.ip!;
  const cur = await get('local');
  await services().update({ ...cur, spec: { ...cur.spec, ports: [{ port: 8081, nodePort: 30083 }] } });
  await withLogs(waitFor('new port answers', async () => /Port: 30083/.test((await topo.curl(`http://${ip}:8081/`, { maxTime: 1 })).stdout), 15000));
  assert.equal((await ingressOf('local'))!.ip, ip);
  const old = await topo.curl(`http://${ip}:80/`, { maxTime: 2 });
  assert.notEqual(old.code, 0, 'the old port no longer answers');
});

test('a requested loadBalancerIP is honoured; a taken or foreign one gets no ingress and a Warning Event', async () => {
  await services().create(lbService('want', { loadBalancerIP: '10.78.42.15', ports: [{ port: 80, nodePort: 30082 }] }));
  assert.equal(await waitIngress('want'), '10.78.42.15');
  await services().create(lbService('clash', { loadBalancerIP: '10.78.42.15', ports: [{ port: 80, nodePort: 30084 }] }));
  await services().create(lbService('foreign', { loadBalancerIP: '192.0.2.1', ports: [{ port: 80, nodePort: 30085 }] }));
  const events = () => api.client.resource<Event>('events').list({ namespace: 'default' });
  const ev = await withLogs(waitFor('AllocationFailed events', async () => {
    const items = (await events()).items.filter((e) => e.reason === 'AllocationFailed');
    const clash = items.find((e) => e.involvedObject.name === 'clash');
    const foreign = items.find((e) => e.involvedObject.name === 'foreign');
    return clash && foreign && { clash, foreign };
  }));
  assert.equal(ev.clash.type, 'Warning');
  assert.match(ev.clash.message!, /10\.78\.42\.15 is already allocated to default\/want/);
  assert.match(ev.foreign.message!, /192\.0\.2\.1 is not in the pool/);
  assert.equal(await ingressOf('clash'), undefined);
  assert.equal(await ingressOf('foreign'), undefined);
  assert.equal((await lbView()).allocationFailures.length, 2);
  // Once "want" is gone, "clash" gets the address it asked for.
  await services().delete('default', 'want');
  assert.equal(await waitIngress('clash'), '10.78.42.15');
  await services().delete('default', 'clash');
  await services().delete('default', 'foreign');
});

test('loadBalancerSourceRanges: other sources are refused', async () => {
  await services().create(lbService('ranged', { loadBalancerSourceRanges: [`${topo.clientIP}/32`], ports: [{ port: 80, nodePort: 30082 }] }));
  const ip = await waitIngress('ranged');
  await withLogs(waitFor('allowed source answered', async () => (await topo.curl(`http://${ip}/`, { from: topo.clientIP })).code === 0));
  const denied = await topo.curl(`http://${ip}/`, { from: topo.otherClientIP });
  assert.notEqual(denied.code, 0, `other source must be refused: ${denied.stdout}`);
  assert.equal(nodeOf(denied.stdout), undefined);
  // Changing the type away from LoadBalancer releases the IP and clears the status.
  const cur = await get('ranged');
  await services().update({ ...cur, spec: { ...cur.spec, type: 'NodePort', loadBalancerSourceRanges: undefined } });
  await withLogs(waitFor('ingress cleared and finalizer gone', async () => {
    const s = await get('ranged');
    return !s.status?.loadBalancer?.ingress?.length && !s.metadata.finalizers?.includes(LB_FINALIZER);
  }));
  assert.ok(!(await topo.lbAddresses()).includes(ip));
});

test('a restart keeps every IP (restored from status) and keeps serving', async () => {
  const before = (await ingressOf('web'))!.ip!;
  await lb.stop();
  lb = await startLb();
  await withLogs(waitFor('serving again', async () => (await topo.curl(`http://${before}/`, { maxTime: 1 })).code === 0));
  assert.equal((await ingressOf('web'))!.ip, before);
  assert.equal((await ingressOf('local'))!.ip, '10.78.42.11');
});

test('deleting the Service frees the IP before the Service goes, and the address stops answering', async () => {
  const ip = (await ingressOf('web'))!.ip!;
  await services().delete('default', 'web');
  await withLogs(waitFor('Service gone', async () => {
    try {
      await get('web');
      return false;
    } catch {
      // NotFound: the Service is gone
      return true;
    }
  }));
  assert.ok(!(await topo.lbAddresses()).includes(ip), 'address removed from the interface');
  const t0 = Date.now();
  const r = await topo.curl(`http://${ip}/`, { maxTime: 3 });
  assert.equal(r.code, 7, `connection refused or no route, got ${r.code}: ${r.stderr}`);
  assert.ok(Date.now() - t0 < 2000, 'fails fast, not by timeout');
  // The freed address is the next one handed out.
  await services().create(lbService('again', { ports: [{ port: 80, nodePort: 30080 }] }));
  assert.equal(await waitIngress('again'), ip);
});
}
