import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '@svcnet/api-types';
import { buildReplicaSet, deploymentStatus, historyToPrune, mergeConditions, planDeployment, type DeploymentPlan } from './deployment-plan';
import { podTemplateHash } from './names';

function deployment(replicas: number, image = 'nginx:1.25', extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', uid: 'd-uid', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image }] } },
      ...extra,
    },
  };
}

let clock = 0;
/** An RS as the store would hold it, with `available` pods up and running. */
function stored(rs: ReplicaSet, replicas: number, available = replicas): ReplicaSet {
  clock++;
  return {
    ...rs,
    metadata: { ...rs.metadata, uid: `uid-${rs.metadata.name}`, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, clock)).toISOString() },
    spec: { ...rs.spec, replicas },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  };
}

/** Applies a plan's scale steps with all pods becoming available at once. */
function apply(rss: ReplicaSet[], plan: DeploymentPlan, availableNow = true): ReplicaSet[] {
  return rss.map((rs) => {
    const s = plan.scale.find((x) => x.rs === rs);
    const n = s ? s.replicas : rs.spec.replicas ?? 0;
    return { ...rs, spec: { ...rs.spec, replicas: n }, status: { replicas: n, readyReplicas: availableNow ? n : 0, availableReplicas: availableNow ? n : Math.min(n, rs.status?.availableReplicas ?? 0) } };
  });
}

test('a new Deployment creates one ReplicaSet named <deploy>-<hash> at full size, revision 1', () => {
  const d = deployment(3);
  const plan = planDeployment(d, []);
  const rs = plan.create!;
  const hash = podTemplateHash(d.spec.template);
  assert.equal(rs.metadata.name, `nginx-${hash}`);
  assert.equal(rs.spec.replicas, 3);
  assert.equal(rs.metadata.labels?.['pod-template-hash'], hash);
  assert.equal(rs.spec.template.metadata?.labels?.['pod-template-hash'], hash);
  assert.deepEqual(rs.spec.selector.matchLabels, { app: 'nginx', 'pod-template-hash': hash });
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(rs.metadata.ownerReferences?.[0].controller, true);
  assert.equal(plan.deploymentRevision, '1');
});

test('scaling a settled Deployment resizes its ReplicaSet', () => {
  const d = deployment(5);
  const rs = stored(buildReplicaSet(deployment(3), 1, 3, 1), 3);
  assert.deepEqual(planDeployment(d, [rs]).scale.map((s) => s.replicas), [5]);
  assert.deepEqual(planDeployment(deployment(1), [rs]).scale.map((s) => s.replicas), [1]);
  assert.deepEqual(planDeployment(deployment(3), [rs]).scale, []);
});

test('rolling update with 4 replicas (surge 1, unavailable 1) never exceeds 5 pods or drops below 3 available', () => {
  const v1 = deployment(4);
  let rss = [stored(buildReplicaSet(v1, 1, 4, 1), 4)];
  const v2 = deployment(4, 'nginx:1.26');
  const first = planDeployment(v2, rss);
  assert.ok(first.create);
  assert.equal(first.create!.spec.replicas, 1); // 4 + surge 1 - 4 existing
  assert.equal(first.create!.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  rss = [...rss, stored(first.create!, 1, 0)];
  for (let step = 0; step < 20; step++) {
    const plan = planDeployment(v2, rss);
    if (!plan.scale.length) break;
    rss = apply(rss, plan, step % 2 === 0 ? false : true);
    const total = rss.reduce((s, r) => s + (r.spec.replicas ?? 0), 0);
    const available = rss.reduce((s, r) => s + (r.status?.availableReplicas ?? 0), 0);
    assert.ok(total <= 5, `total ${total}`);
    assert.ok(available >= 3 || step === 0, `available ${available}`);
    if (step % 2 === 0) rss = apply(rss, { scale: [], prune: [] }, true);
  }
  assert.deepEqual(rss.map((r) => r.spec.replicas), [0, 4]);
  const status = deploymentStatus(v2, rss, rss[1]);
  assert.equal(status.updatedReplicas, 4);
  assert.equal(status.availableReplicas, 4);
  assert.deepEqual(status.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`), ['Available=True/MinimumReplicasAvailable', 'Progressing=True/NewReplicaSetAvailable']);
});

test('rolling update of 3 replicas with defaults (surge 1, unavailable 0) goes one pod at a time', () => {
  const v1 = deployment(3);
  const v2 = deployment(3, 'nginx:1.26');
  const old = stored(buildReplicaSet(v1, 1, 3, 1), 3);
  const created = planDeployment(v2, [old]).create!;
  assert.equal(created.spec.replicas, 1);
  // new pod not yet available: old must stay at 3
  let rss = [old, stored(created, 1, 0)];
  assert.deepEqual(planDeployment(v2, rss).scale, []);
  rss = [old, stored(created, 1, 1)];
  assert.deepEqual(planDeployment(v2, rss).scale.map((s) => [s.rs.metadata.name, s.replicas]), [[old.metadata.name, 2]]);
});

test('rollback to an old template reuses its ReplicaSet with a new revision', () => {
  const v1 = deployment(2);
  const v2 = deployment(2, 'nginx:1.26');
  const rs1 = stored(buildReplicaSet(v1, 1, 0, 1), 0);
  const rs2 = stored(buildReplicaSet(v2, 2, 2, 1), 2);
  const plan = planDeployment(v1, [rs1, rs2]);
  assert.equal(plan.create, undefined);
  assert.equal(plan.revision?.revision, '3');
  assert.deepEqual(plan.scale.map((s) => [s.rs.metadata.name, s.replicas]), [[rs1.metadata.name, 1]]);
});

test('Recreate scales old to zero before the new ReplicaSet grows', () => {
  const v2 = deployment(2, 'nginx:1.26', { strategy: { type: 'Recreate' } });
  const old = stored(buildReplicaSet(deployment(2), 1, 2, 0), 2);
  const created = planDeployment(v2, [old]).create!;
  assert.equal(created.spec.replicas, 0);
  const neu = stored(created, 0);
  assert.deepEqual(planDeployment(v2, [old, neu]).scale.map((s) => s.replicas), [0]);
  const emptied = { ...old, spec: { ...old.spec, replicas: 0 }, status: { replicas: 0 } };
  assert.deepEqual(planDeployment(v2, [emptied, neu]).scale.map((s) => [s.rs.metadata.name, s.replicas]), [[neu.metadata.name, 2]]);
});

test('revision history beyond the limit is pruned, oldest first', () => {
  const d = deployment(1, 'x', { revisionHistoryLimit: 2 });
  const old = [1, 2, 3, 4].map((r) => stored(buildReplicaSet(deployment(1, `img:${r}`), r, 0, 0), 0));
  assert.deepEqual(historyToPrune(d, old).map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']), ['1', '2']);
});

test('conditions keep their timestamps while unchanged', () => {
  const a = mergeConditions(undefined, [{ type: 'Available', status: 'True', reason: 'R', message: 'm' }], 't1');
  const b = mergeConditions(a, [{ type: 'Available', status: 'True', reason: 'R', message: 'm' }], 't2');
  assert.deepEqual(a, b);
  const c = mergeConditions(b, [{ type: 'Available', status: 'False', reason: 'X', message: 'm' }], 't3');
  assert.equal(c[0].lastTransitionTime, 't3');
});
