// kubectl with the controllers running as processes: a Deployment made by `kubectl create
// deployment` gets a ReplicaSet and pods from the workload-controller, and once the pods are
// running (this test plays the node-agent and writes their status) `kubectl get endpoints`,
// `get endpointslices`, `get deploy` and `describe svc` show what Kubernetes would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rfc3339, type Node, type Pod } from '@svcnet/api-types';
import { REPO_ROOT, startApp, waitFor, type AppProcess } from '@svcnet/test-harness';
import { startKubectlCluster, KUBECTL, type KubectlCluster } from './kubectl-harness';

let c: KubectlCluster;
let apps: AppProcess[] = [];

before(async () => {
  c = await startKubectlCluster();
  const args = [`--apiserver=${c.api.address}`, '--insecure', '--health-port=0'];
  apps = await Promise.all([startApp({ app: 'workload-controller', args }), startApp({ app: 'endpoints-controller', args })]);
  const nodes = c.api.client.resource<Node>('nodes');
  for (const [i, name] of ['node-1', 'node-2'].entries()) {
    const n = await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    await nodes.updateStatus({ ...n, status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: `10.100.0.${11 + i}` }] } });
  }
});
after(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await c?.stop();
});

const rows = (out: string) => out.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));

/** what the node-agent would write: Running, Ready, an IP from the node's pod CIDR */
async function runPods(selector: string): Promise<void> {
  const pods = c.api.client.resource<Pod>('pods');
  for (const p of (await pods.list({ namespace: 'default', labelSelector: selector })).items) {
    if (p.status?.podIP || p.metadata.deletionTimestamp) continue;
    const node = await c.api.client.resource<Node>('nodes').get(undefined, p.spec.nodeName!);
    const ip = node.spec!.podCIDR!.replace(/0\/24$/, String(2 + Math.floor(Math.random() * 200)));
    const now = rfc3339();
    p.status = {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: node.status!.addresses![0].address,
      startTime: now,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }, { type: 'ContainersReady', status: 'True', lastTransitionTime: now }],
      containerStatuses: [{ name: 'nginx', image: 'nginx', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } }],
    };
    await pods.updateStatus(p);
  }
}

test('create deployment + expose: pods, ReplicaSet, Endpoints, EndpointSlices and READY columns', async () => {
  assert.equal(await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80']), 'deployment.apps/web created\n');
  assert.equal(await c.ok(['expose', 'deployment', 'web', '--port=8080', '--target-port=80']), 'service/web exposed\n');
  const pending = await waitFor('2 pods', async () => {
    const r = rows(await c.ok(['get', 'po', '-l', 'app=web', '-o', 'wide']));
    return r.length === 3 && r;
  });
  for (const r of pending.slice(1)) {
    assert.match(r[0], /^web-[a-z0-9]{6,10}-[a-z0-9]{5}$/);
    assert.deepEqual([r[1], r[2], r[3], r[5]], ['0/1', 'Pending', '0', '<none>']);
    assert.match(r[6], /^node-[12]$/);
  }
  // the ReplicaSet's status follows its pods a moment later
  const rs = await waitFor('rs status 2 current', async () => {
    const r = rows(await c.ok(['get', 'rs']));
    return r[1]?.[2] === '2' && r;
  });
  assert.deepEqual(rs[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  assert.match(rs[1][0], /^web-[a-z0-9]{6,10}$/);
  assert.deepEqual(rs[1].slice(1, 4), ['2', '2', '0']);
  await waitFor('Endpoints without ready addresses', async () => {
    const r = await c.kubectl(['get', 'ep', 'web']);
    return r.code === 0 && rows(r.stdout)[1][1] === '<none>';
  });

  await runPods('app=web');
  const ep = await waitFor('2 endpoints', async () => {
    const cell = rows(await c.ok(['get', 'endpoints', 'web']))[1][1];
    return cell.split(',').length === 2 && cell;
  });
  assert.match(ep, /^10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80$/);
  await waitFor('deployment 2/2', async () => rows(await c.ok(['get', 'deploy', 'web']))[1][1] === '2/2');
  const dep = rows(await c.ok(['get', 'deploy', 'web']));
  assert.deepEqual(dep[1].slice(0, 4), ['web', '2/2', '2', '2']);
  const es = rows(await c.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']));
  assert.deepEqual(es[0], ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
  assert.match(es[1][0], /^web-[a-z0-9]{5}$/);
  assert.deepEqual(es[1].slice(1, 3), ['IPv4', '80']);
  assert.match(es[1][3], /^10\.244\.\d+\.\d+,10\.244\.\d+\.\d+$/);
  const d = await c.ok(['describe', 'svc', 'web']);
  assert.match(d, new RegExp(`^Endpoints:\\s+${ep.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(d, /^TargetPort:\s+80\/TCP$/m);

  // a force-deleted pod is replaced; scaling adds one
  const victim = pending[1][0];
  const del = await c.kubectl(['delete', 'pod', victim, '--grace-period=0', '--force']);
  assert.match(del.stdout, new RegExp(`^pod "${victim}" force deleted$`, 'm'), del.stderr);
  assert.equal(await c.ok(['scale', 'deployment', 'web', '--replicas=3']), 'deployment.apps/web scaled\n');
  await waitFor('3 pods, the victim gone', async () => {
    const names = rows(await c.ok(['get', 'po', '-l', 'app=web', '-o', 'name'])).map((r) => r[0]);
    return names.length === 3 && !names.includes(`pod/${victim}`);
  });
  await runPods('app=web');
  await waitFor('3 endpoints', async () => rows(await c.ok(['get', 'endpoints', 'web']))[1][1].split(',').length === 3);
  await waitFor('deployment 3/3', async () => rows(await c.ok(['get', 'deploy', 'web']))[1][1] === '3/3');
});
