// Real processes: the apiserver, the workload controller and the endpoints controller.
// There is no node-agent here: the test registers Nodes and writes pod status itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, EndpointSlice, Endpoints, Event, Node, Pod, ReplicaSet, Service } from '@svcnet/api-types';
import { startApp, startTestApiserver, waitFor, type AppProcess, type TestApiserver } from '@svcnet/test-harness';

const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
let api: TestApiserver;
let workload: AppProcess;
let endpointsCtl: AppProcess;

before(async () => {
  api = await startTestApiserver();
  const args = [`--apiserver=${api.address}`, '--insecure', '--health-port=0'];
  [workload, endpointsCtl] = await Promise.all([startApp({ app: 'workload-controller', args }), startApp({ app: 'endpoints-controller', args })]);
});

after(async () => {
  // SVCNET_TEST_LOGS=DIR keeps both controllers' logs for a look afterwards.
  if (process.env.SVCNET_TEST_LOGS) {
    const fs = await import('node:fs');
    fs.writeFileSync(`${process.env.SVCNET_TEST_LOGS}/workload-controller.log`, workload?.logs() ?? '');
    fs.writeFileSync(`${process.env.SVCNET_TEST_LOGS}/endpoints-controller.log`, endpointsCtl?.logs() ?? '');
  }
  await Promise.all([workload?.stop(), endpointsCtl?.stop()]);
  await api?.stop();
});

function logsOnFailure<T>(p: Promise<T>): Promise<T> {
  return p.catch((err) => {
    err.message += `\n--- workload-controller ---\n${workload.logs().slice(-3000)}\n--- endpoints-controller ---\n${endpointsCtl.logs().slice(-3000)}`;
    throw err;
  });
}

test('Deployment of 3 + Service: pods named and labelled like Kubernetes, Endpoints follow pod status', async () => {
  const c = api.client;
  const nodes = c.resource<Node>('nodes');
  const pods = c.resource<Pod>('pods');
  // as a kubelet does: read the latest pod, write its status, again on a Conflict (the
  // scheduler and controllers write the same object concurrently)
  const writePodStatus = async (name: string, status: (cur: Pod['status']) => Pod['status']): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const cur = await pods.get('default', name);
      try {
        await pods.updateStatus({ ...cur, status: status(cur.status) });
        return;
      } catch (e) {
        if ((e as { reason?: string }).reason !== 'Conflict' || attempt >= 5) throw e;
      }
    }
  };
  const eps = c.resource<Endpoints>('endpoints');
  const slices = c.resource<EndpointSlice>('endpointslices');
  for (const name of ['node-1', 'node-2']) {
    const n = await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    await nodes.updateStatus({ ...n, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  }
  await c.resource<Deployment>('deployments').create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] } },
    },
  });
  await c.resource<Service>('services').create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nginx', namespace: 'default' },
    spec: { selector: { app: 'nginx' }, ports: [{ name: 'web', port: 8080, targetPort: 'http' }] },
  });

  const bound = await logsOnFailure(
    waitFor('3 pods bound to nodes', async () => {
      const items = (await pods.list({ namespace: 'default' })).items;
      return items.length === 3 && items.every((p) => p.spec.nodeName) && items;
    }),
  );
  const [rs] = (await c.resource<ReplicaSet>('replicasets').list({ namespace: 'default' })).items;
  const hash = String(rs.metadata.labels?.['pod-template-hash']);
  assert.match(String(rs.metadata.name), new RegExp(`^nginx-${SAFE}{6,10}$`));
  assert.equal(rs.metadata.name, `nginx-${hash}`);
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  for (const p of bound) {
    assert.match(String(p.metadata.name), new RegExp(`^nginx-${hash}-${SAFE}{5}$`));
    assert.deepEqual(p.metadata.labels, { app: 'nginx', 'pod-template-hash': hash });
    assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['ReplicaSet', rs.metadata.name, true]]);
  }
  assert.deepEqual([...new Set(bound.map((p) => p.spec.nodeName))].sort(), ['node-1', 'node-2'], 'pods are spread');

  // No IPs yet: an Endpoints object without addresses.
  await logsOnFailure(
    waitFor('empty Endpoints', async () => {
      const e = await eps.get('default', 'nginx').catch(() => undefined);
      return !!e && (e.subsets ?? []).length === 0;
    }),
  );

  // Play the node agent: pods run with IPs, two ready, one not.
  const ipOf = new Map<string, string>();
  for (const [i, p] of bound.entries()) {
    const ip = `10.244.${i}.10`;
    ipOf.set(String(p.metadata.name), ip);
    await writePodStatus(String(p.metadata.name), () => ({ phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: i < 2 ? 'True' : 'False' }] }));
  }
  const readyIps = [ipOf.get(String(bound[0].metadata.name)), ipOf.get(String(bound[1].metadata.name))].sort();
  const ep = await logsOnFailure(
    waitFor('Endpoints with 2 ready, 1 not ready', async () => {
      const e = await eps.get('default', 'nginx');
      const s = e.subsets?.[0];
      return e.subsets?.length === 1 && s?.addresses?.length === 2 && s.notReadyAddresses?.length === 1 && e;
    }),
  );
  const subset = ep.subsets![0];
  assert.deepEqual(subset.addresses!.map((a) => a.ip).sort(), readyIps);
  assert.deepEqual(subset.ports, [{ name: 'web', port: 80, protocol: 'TCP' }]);
  assert.equal(subset.addresses![0].targetRef?.kind, 'Pod');
  assert.ok(subset.addresses![0].nodeName);

  const slice = await logsOnFailure(
    waitFor('EndpointSlice with 3 endpoints', async () => {
      const items = (await slices.list({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=nginx' })).items;
      return items.length === 1 && items[0].endpoints.length === 3 && items[0];
    }),
  );
  assert.match(String(slice.metadata.name), new RegExp(`^nginx-${SAFE}{5}$`));
  assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.equal(slice.endpoints.filter((e) => e.conditions?.ready).length, 2);

  // A steady cluster: nothing writes (the store revision stays put).
  const revisions = async () => {
    const names = ['pods', 'endpoints', 'endpointslices', 'deployments', 'replicasets', 'events'];
    const lists = await Promise.all(names.map((n) => c.resource(n).list({ namespace: 'default' })));
    return lists.map((l, i) => `${names[i]}@${l.metadata.resourceVersion}`).join(' ');
  };
  const rvBefore = await revisions();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await revisions(), rvBefore, 'no writes in a steady state');
  // ... also not after both controllers restart from scratch.
  const args = [`--apiserver=${api.address}`, '--insecure', '--health-port=0'];
  await Promise.all([workload.stop(), endpointsCtl.stop()]);
  [workload, endpointsCtl] = await Promise.all([startApp({ app: 'workload-controller', args }), startApp({ app: 'endpoints-controller', args })]);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await revisions(), rvBefore, 'no writes after a restart');
  const metrics = await (await fetch(`http://127.0.0.1:${endpointsCtl.ready.healthPort}/metrics`)).text();
  assert.match(metrics, /endpoints_controller_syncs_total\{result="ok"\} \d+/);
  assert.equal((await fetch(`http://127.0.0.1:${workload.ready.healthPort}/readyz`)).status, 200);

  // The third pod becomes ready, the first is deleted (terminating: the apiserver keeps it
  // until its node confirms) and is replaced by a fourth.
  await writePodStatus(String(bound[2].metadata.name), (cur) => ({ ...cur, conditions: [{ type: 'Ready', status: 'True' }] }));
  await pods.delete('default', String(bound[0].metadata.name));
  const terminatingIp = ipOf.get(String(bound[0].metadata.name));
  await logsOnFailure(
    waitFor('terminating pod not ready, others ready', async () => {
      const e = await eps.get('default', 'nginx');
      const s = e.subsets?.[0];
      return s?.addresses?.length === 2 && s.notReadyAddresses?.length === 1 && s.notReadyAddresses[0].ip === terminatingIp;
    }),
  );
  await logsOnFailure(
    waitFor('slice marks it terminating', async () => {
      const items = (await slices.list({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=nginx' })).items;
      const e = items.flatMap((s) => s.endpoints).find((x) => x.addresses[0] === terminatingIp);
      return e?.conditions?.terminating === true && e.conditions.ready === false && e.conditions.serving === true;
    }),
  );
  await logsOnFailure(
    waitFor('a replacement pod', async () => {
      const items = (await pods.list({ namespace: 'default' })).items;
      return items.filter((p) => !p.metadata.deletionTimestamp).length === 3 && items.length === 4;
    }),
  );
  // The node confirms: the pod is gone and leaves the Endpoints.
  await pods.delete('default', String(bound[0].metadata.name), { gracePeriodSeconds: 0 });
  await logsOnFailure(
    waitFor('terminated pod gone from Endpoints', async () => {
      const e = await eps.get('default', 'nginx');
      return e.subsets?.[0]?.addresses?.length === 2 && !e.subsets[0].notReadyAddresses;
    }),
  );

  const events = (await c.resource<Event>('events').list({ namespace: 'default' })).items.map((e) => `${e.reason}: ${e.message}`);
  assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${rs.metadata.name} from 0 to 3`), events.join('\n'));
  assert.ok(events.some((m) => m.startsWith(`SuccessfulCreate: Created pod: ${rs.metadata.name}-`)));
  assert.ok(events.some((m) => new RegExp(`^Scheduled: Successfully assigned default/${rs.metadata.name}-${SAFE}{5} to node-[12]$`).test(m)));

  const status = await logsOnFailure(
    waitFor('deployment status', async () => {
      const d = await c.resource<Deployment>('deployments').get('default', 'nginx');
      if (d.status?.replicas === 3 && d.status.readyReplicas === 2 && d.status.observedGeneration === d.metadata.generation) return d.status;
      throw new Error(JSON.stringify(d.status));
    }),
  );
  assert.equal(status.updatedReplicas, 3);

  // Deleting the Service removes its Endpoints and slices.
  await c.resource<Service>('services').delete('default', 'nginx');
  await logsOnFailure(
    waitFor('Endpoints and slices gone', async () => {
      const e = await eps.get('default', 'nginx').catch(() => undefined);
      const items = (await slices.list({ namespace: 'default' })).items;
      return !e && items.length === 0;
    }),
  );
});

test('rolling update, scale down and garbage collection against the real apiserver', async () => {
  const c = api.client;
  const deployments = c.resource<Deployment>('deployments');
  const replicaSets = c.resource<ReplicaSet>('replicasets');
  const pods = c.resource<Pod>('pods');
  const labels = { app: 'web' };
  await deployments.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'whoami:1' }] } } },
  });
  let n = 0;
  /** the node agent's part: bound pods run and turn ready */
  const readyAll = async () => {
    for (const p of (await pods.list({ namespace: 'default', labelSelector: 'app=web' })).items) {
      if (!p.spec.nodeName || p.metadata.deletionTimestamp) {
        if (p.metadata.deletionTimestamp) await pods.delete('default', String(p.metadata.name), { gracePeriodSeconds: 0 }).catch(() => undefined);
        continue;
      }
      if (p.status?.phase === 'Running') continue;
      const ip = `10.244.9.${++n}`;
      await pods.updateStatus({ ...p, status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }] } }).catch(() => undefined);
    }
  };
  await logsOnFailure(
    waitFor('2 ready pods', async () => {
      await readyAll();
      return (await deployments.get('default', 'web')).status?.availableReplicas === 2;
    }),
  );
  const d = await deployments.get('default', 'web');
  await deployments.update({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { containers: [{ name: 'web', image: 'whoami:2' }] } } } });
  const done = await logsOnFailure(
    waitFor(
      'rollout complete',
      async () => {
        await readyAll();
        const rss = (await replicaSets.list({ namespace: 'default' })).items.filter((r) => r.metadata.name?.startsWith('web-'));
        const ps = (await pods.list({ namespace: 'default', labelSelector: 'app=web' })).items;
        const neu = rss.find((r) => r.spec.template.spec.containers[0].image === 'whoami:2');
        const old = rss.find((r) => r.spec.template.spec.containers[0].image === 'whoami:1');
        const ok = rss.length === 2 && neu?.spec.replicas === 2 && old?.spec.replicas === 0 && ps.length === 2 && ps.every((p) => p.metadata.labels?.['pod-template-hash'] === neu.metadata.labels?.['pod-template-hash']);
        return ok && { neu, old };
      },
      30_000,
    ),
  );
  assert.equal(done.neu!.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  assert.equal((await deployments.get('default', 'web')).metadata.annotations?.['deployment.kubernetes.io/revision'], '2');

  const d2 = await deployments.get('default', 'web');
  await deployments.update({ ...d2, spec: { ...d2.spec, replicas: 1 } });
  await logsOnFailure(
    waitFor('scaled to 1', async () => {
      await readyAll();
      return (await pods.list({ namespace: 'default', labelSelector: 'app=web' })).items.length === 1;
    }),
  );

  await deployments.delete('default', 'web');
  await logsOnFailure(
    waitFor('ReplicaSets and pods collected', async () => {
      await readyAll();
      const rss = (await replicaSets.list({ namespace: 'default' })).items.filter((r) => r.metadata.name?.startsWith('web-'));
      return rss.length === 0 && (await pods.list({ namespace: 'default', labelSelector: 'app=web' })).items.length === 0;
    }),
  );
});
