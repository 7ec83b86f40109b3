// The whole controller (real informers, queues, syncs) against the in-memory fake apiserver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInformer } from '@svcnet/api-client';
import type { Deployment, Event, Node, Pod, ReplicaSet } from '@svcnet/api-types';
import { Registry, createLogger } from '@svcnet/observability';
import { waitFor } from '@svcnet/test-harness';
import { WorkloadController } from './controller';
import { FakeCluster } from '@svcnet/api-client/testing';

process.env.SVCNET_LOG_LEVEL ??= 'warn';

function setup() {
  const cluster = new FakeCluster();
  const deployments = cluster.resource<Deployment>('deployments');
  const replicaSets = cluster.resource<ReplicaSet>('replicasets');
  const pods = cluster.resource<Pod>('pods');
  const nodes = cluster.resource<Node>('nodes');
  const events = cluster.resource<Event>('events');
  const controller = new WorkloadController({
    clients: { deployments, replicaSets, pods, events },
    caches: { deployments: createInformer(deployments), replicaSets: createInformer(replicaSets), pods: createInformer(pods), nodes: createInformer(nodes) },
    log: createLogger('test'),
    registry: new Registry(),
    gcIntervalMs: 200,
  });
  return { cluster, deployments, replicaSets, pods, nodes, events, controller };
}

const nodeObj = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
const deploymentObj = (replicas: number, image = 'nginx:1.25'): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image }] } } },
});

/** Plays the node agent: every bound pod becomes Running and Ready. */
async function readyAll(pods: ReturnType<typeof setup>['pods']): Promise<void> {
  for (const p of pods.items()) {
    if (!p.spec.nodeName || p.status?.phase === 'Running' || p.metadata.deletionTimestamp) continue;
    await pods
      .updateStatus({ ...p, status: { ...p.status, phase: 'Running', podIP: '10.244.0.1', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }] } })
      .catch(() => undefined);
  }
}

test('Deployment -> ReplicaSet -> scheduled pods, status, events, self-healing, scaling, rollout, GC', async () => {
  const t = setup();
  await t.nodes.create(nodeObj('node-1'));
  await t.nodes.create(nodeObj('node-2'));
  await t.controller.start();
  try {
    await t.deployments.create(deploymentObj(3));
    const pods = await waitFor('3 scheduled pods', () => {
      const ps = t.pods.items().filter((p) => p.spec.nodeName);
      return ps.length === 3 && ps;
    });
    const [rs] = t.replicaSets.items();
    const hash = rs.metadata.labels?.['pod-template-hash'];
    assert.match(String(rs.metadata.name), /^nginx-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs.metadata.name, `nginx-${hash}`);
    for (const p of pods) {
      assert.match(String(p.metadata.name), new RegExp(`^nginx-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(p.metadata.labels?.['pod-template-hash'], hash);
      assert.equal(p.metadata.ownerReferences?.[0].uid, rs.metadata.uid);
    }
    assert.deepEqual(pods.map((p) => p.spec.nodeName).sort(), ['node-1', 'node-1', 'node-2']);
    assert.equal(pods[0].status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');

    await readyAll(t.pods);
    await waitFor('deployment status 3 available', async () => {
      const d = await t.deployments.get('default', 'nginx');
      return d.status?.availableReplicas === 3 && d.status.conditions?.find((c) => c.type === 'Available')?.status === 'True' && d;
    });
    const d = await t.deployments.get('default', 'nginx');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(d.status?.observedGeneration, 1);
    const messages = t.events.items().map((e) => `${e.reason}: ${e.message}`);
    assert.ok(messages.includes(`ScalingReplicaSet: Scaled up replica set ${rs.metadata.name} from 0 to 3`), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith(`SuccessfulCreate: Created pod: ${rs.metadata.name}-`)));
    assert.ok(messages.some((m) => /^Scheduled: Successfully assigned default\/nginx-\S+ to node-[12]$/.test(m)));

    // steady state: no writes
    await new Promise((r) => setTimeout(r, 300));
    const before = t.cluster.rv;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(t.cluster.rv, before, 'a steady cluster causes no writes');

    // a deleted pod is replaced
    await t.pods.delete('default', String(pods[0].metadata.name));
    await waitFor('replacement pod', () => t.pods.items().length === 3 && !t.pods.items().some((p) => p.metadata.name === pods[0].metadata.name));

    // scale up and down
    await t.deployments.update({ ...(await t.deployments.get('default', 'nginx')), spec: deploymentObj(5).spec });
    await waitFor('5 pods', () => t.pods.items().length === 5);
    await readyAll(t.pods);
    await t.deployments.update({ ...(await t.deployments.get('default', 'nginx')), spec: deploymentObj(2).spec });
    await waitFor('2 pods', () => t.pods.items().length === 2);

    // rolling update: keep making new pods ready until the new RS has them all
    await t.deployments.update({ ...(await t.deployments.get('default', 'nginx')), spec: deploymentObj(2, 'nginx:1.26').spec });
    await waitFor(
      'rollout complete',
      async () => {
        await readyAll(t.pods);
        const rss = t.replicaSets.items();
        const neu = rss.find((r) => r.spec.template.spec.containers[0].image === 'nginx:1.26');
        const old = rss.find((r) => r.spec.template.spec.containers[0].image === 'nginx:1.25');
        const ps = t.pods.items();
        return neu?.spec.replicas === 2 && old?.spec.replicas === 0 && ps.length === 2 && ps.every((p) => p.metadata.labels?.['pod-template-hash'] === neu.metadata.labels?.['pod-template-hash']);
      },
      10_000,
      50,
    );
    const rss = t.replicaSets.items();
    assert.equal(rss.length, 2, 'the old ReplicaSet is kept for history');
    assert.equal((await t.deployments.get('default', 'nginx')).metadata.annotations?.['deployment.kubernetes.io/revision'], '2');

    // garbage collection
    await t.deployments.delete('default', 'nginx');
    await waitFor('ReplicaSets and pods gone', () => t.replicaSets.items().length === 0 && t.pods.items().length === 0);
  } finally {
    t.controller.stop();
  }
});

test('pods stay Pending with PodScheduled=False when no node fits, and bind once one does', async () => {
  const t = setup();
  await t.controller.start();
  try {
    await t.deployments.create(deploymentObj(1));
    const pending = await waitFor('unschedulable condition', () => {
      const p = t.pods.items()[0];
      const c = p?.status?.conditions?.find((x) => x.type === 'PodScheduled');
      return c?.status === 'False' && c.reason === 'Unschedulable' && p;
    });
    assert.equal(pending.spec.nodeName, undefined);
    assert.ok(t.events.items().some((e) => e.reason === 'FailedScheduling' && e.type === 'Warning'));
    await t.nodes.create(nodeObj('node-9'));
    await waitFor('bound to the new node', () => t.pods.items()[0]?.spec.nodeName === 'node-9');
  } finally {
    t.controller.stop();
  }
});
