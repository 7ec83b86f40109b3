// The real kubectl (v1.32) against a running svcnet apiserver over HTTPS with a client
// certificate: output columns and values, errors word for word, watch, apply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import type { Pod } from '@svcnet/api-types';
import { waitFor } from '@svcnet/test-harness';
import { startKubectlCluster, KUBECTL, type KubectlCluster } from './kubectl-harness';

let c: KubectlCluster;

before(async () => {
  c = await startKubectlCluster();
});
after(async () => {
  await c?.stop();
});



/** rows of kubectl's table output, split on runs of 2+ spaces */
function rows(out: string): string[][] {
  return out.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
}

const AGE = /^(\d+s|\d+m\d*s?)$/;

const SVC = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
    tier: web
spec:
  selector:
    app: nginx
  ports:
  - name: http
    port: 80
    targetPort: 8080
`;

test('kubectl create, get (plain, wide, labels, jsonpath) and describe a Service', async () => {
  assert.equal(await c.ok(['create', '-f', c.write('svc.yaml', SVC)]), 'service/nginx created\n');
  const t = rows(await c.ok(['get', 'svc']));
  assert.deepEqual(t[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
  const nginx = t.find((r) => r[0] === 'nginx')!;
  assert.equal(nginx[1], 'ClusterIP');
  assert.match(nginx[2], /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
  assert.deepEqual(nginx.slice(3, 5), ['<none>', '80/TCP']);
  assert.match(nginx[5], AGE);
  assert.deepEqual(t.find((r) => r[0] === 'kubernetes')!.slice(1, 5), ['ClusterIP', '10.96.0.1', '<none>', '443/TCP']);

  const wide = rows(await c.ok(['get', 'svc', 'nginx', '-o', 'wide']));
  assert.deepEqual(wide[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
  assert.equal(wide[1][6], 'app=nginx');
  const labels = rows(await c.ok(['get', 'svc', 'nginx', '--show-labels']));
  assert.deepEqual(labels[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'LABELS']);
  assert.equal(labels[1][6], 'app=nginx,tier=web');
  const ip = await c.ok(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.clusterIP}']);
  assert.equal(ip, nginx[2]);
  assert.equal(await c.ok(['get', 'svc', '-o', 'jsonpath={.items[*].metadata.name}']), 'kubernetes nginx');

  const d = await c.ok(['describe', 'svc', 'nginx']);
  assert.match(d, /^Name:\s+nginx$/m);
  assert.match(d, /^Selector:\s+app=nginx$/m);
  assert.match(d, new RegExp(`^IP:\\s+${nginx[2].replace(/\./g, '\\.')}$`, 'm'));
  assert.match(d, /^Port:\s+http\s+80\/TCP$/m);
  assert.match(d, /^TargetPort:\s+8080\/TCP$/m);
  assert.match(d, /^Events:\s+<none>$/m);
});

test('kubectl apply creates, changes and re-applies; delete -f removes', async () => {
  const f = c.write('web.yaml', SVC.replace(/nginx/g, 'web'));
  assert.equal(await c.ok(['apply', '-f', f]), 'service/web created\n');
  const ann = await c.ok(['get', 'svc', 'web', '-o', 'jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}']);
  assert.equal(JSON.parse(ann).metadata.name, 'web');
  c.write('web.yaml', SVC.replace(/nginx/g, 'web').replace('port: 80', 'port: 8081').replace('tier: web', 'tier: api'));
  assert.equal(await c.ok(['apply', '-f', f]), 'service/web configured\n');
  assert.equal(await c.ok(['apply', '-f', f]), 'service/web unchanged\n');
  const r = rows(await c.ok(['get', 'svc', 'web', '--show-labels']));
  assert.equal(r[1][4], '8081/TCP');
  assert.equal(r[1][6], 'app=web,tier=api');
  assert.equal(await c.ok(['delete', '-f', f]), 'service "web" deleted\n');
  const gone = await c.kubectl(['get', 'svc', 'web']);
  assert.equal(gone.code, 1);
  assert.equal(gone.stderr.trim(), 'Error from server (NotFound): services "web" not found');
});

test('validation errors read as on Kubernetes, and nothing is stored', async () => {
  const np = await c.kubectl(['create', '-f', c.write('np.yaml', `apiVersion: v1
kind: Service
metadata:
  name: sample-nodeport-fail
spec:
  type: NodePort
  ports:
  - port: 8080
    nodePort: 8888
`)]);
  assert.equal(np.code, 1);
  assert.equal(
    np.stderr.trim(),
    'The Service "sample-nodeport-fail" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767',
  );
  const typo = await c.kubectl(['create', '-f', c.write('typo.yaml', `apiVersion: v1
kind: Service
metadata:
  name: typo
sepc:
  ports:
  - port: 80
`)]);
  assert.equal(typo.code, 1);
  assert.equal(
    typo.stderr.trim(),
    'Error from server (BadRequest): error when creating "typo.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "sepc"',
  );
  const nested = await c.kubectl(['apply', '-f', c.write('typo2.yaml', `apiVersion: v1
kind: Service
metadata:
  name: typo2
spec:
  ports:
  - prot: 80
    port: 80
`)]);
  assert.equal(nested.code, 1);
  assert.match(nested.stderr, /Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec\.ports\[0\]\.prot"/);
  const wrongType = await c.kubectl(['create', '-f', c.write('type.yaml', `apiVersion: v1
kind: Service
metadata:
  name: wrongtype
spec:
  ports:
  - port: "eighty"
`)]);
  assert.equal(wrongType.code, 1);
  assert.match(wrongType.stderr, /json: cannot unmarshal string into Go struct field ServicePort\.spec\.ports\.port of type int32/);
  const warnFile = c.write('warn.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: warned\nspec:\n  sepc: 1\n  ports:\n  - port: 80\n');
  const warned = await c.kubectl(['create', '-f', warnFile, '--validate=warn']);
  assert.equal(warned.stdout, 'service/warned created\n');
  assert.equal(warned.stderr, 'Warning: unknown field "spec.sepc"\n');
  const ignored = await c.kubectl(['replace', '-f', warnFile, '--validate=false']);
  assert.equal(ignored.stdout, 'service/warned replaced\n');
  assert.equal(ignored.stderr, '');
  assert.equal(await c.ok(['get', 'svc', 'warned', '-o', 'jsonpath={.spec.sepc}']), '');
  for (const name of ['typo', 'typo2', 'wrongtype', 'sample-nodeport-fail']) {
    assert.equal((await c.kubectl(['get', 'svc', name])).code, 1, `${name} must not exist`);
  }
});

test('kubectl create deployment, expose as LoadBalancer, create namespace (protobuf bodies)', async () => {
  assert.equal(await c.ok(['create', 'deployment', 'web01', '--image=nginx']), 'deployment.apps/web01 created\n');
  assert.equal(await c.ok(['expose', 'deployment', 'web01', '--type', 'LoadBalancer', '--port', '80', '--name', 'lb-web01']), 'service/lb-web01 exposed\n');
  const lb = rows(await c.ok(['get', 'svc', 'lb-web01', '-o', 'wide']))[1];
  assert.equal(lb[1], 'LoadBalancer');
  assert.equal(lb[3], '<pending>');
  assert.match(lb[4], /^80:3\d{4}\/TCP$/);
  assert.equal(lb[6], 'app=web01');
  const dep = rows(await c.ok(['get', 'deploy', '-o', 'wide']));
  assert.deepEqual(dep[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
  assert.deepEqual([dep[1][0], dep[1][1], dep[1][2], dep[1][3], dep[1][5], dep[1][6], dep[1][7]], ['web01', '0/1', '0', '0', 'nginx', 'nginx', 'app=web01']);
  assert.equal(await c.ok(['scale', 'deployment', 'web01', '--replicas=3']), 'deployment.apps/web01 scaled\n');
  assert.equal(await c.ok(['get', 'deploy', 'web01', '-o', 'jsonpath={.spec.replicas}']), '3');
  assert.equal(await c.ok(['create', 'namespace', 'bluegreen']), 'namespace/bluegreen created\n');
  const ns = rows(await c.ok(['get', 'ns', 'bluegreen']));
  assert.deepEqual(ns[0], ['NAME', 'STATUS', 'AGE']);
  assert.deepEqual(ns[1].slice(0, 2), ['bluegreen', 'Active']);
});

test('pods and endpoints print like Kubernetes; label selectors and custom columns work', async () => {
  const pods = c.api.client.resource<Pod>('pods');
  for (const [i, name] of ['app-a', 'app-b'].entries()) {
    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }], nodeName: 'node-1' } });
    const cur = await pods.get('default', name);
    cur.status = {
      phase: 'Running',
      podIP: `10.244.1.${i + 2}`,
      podIPs: [{ ip: `10.244.1.${i + 2}` }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'c', ready: true, restartCount: i, state: { running: { startedAt: new Date().toISOString() } } }],
    };
    await pods.updateStatus(cur);
  }
  const wide = rows(await c.ok(['get', 'po', '-o', 'wide', '-l', 'app=x']));
  assert.deepEqual(wide[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  assert.deepEqual([wide[1][0], wide[1][1], wide[1][2], wide[1][3], wide[1][5], wide[1][6], wide[1][7], wide[1][8]], ['app-a', '1/1', 'Running', '0', '10.244.1.2', 'node-1', '<none>', '<none>']);
  assert.equal(wide[2][3], '1');
  const cc = await c.ok(['get', 'pods', '-l', 'app=x', '-o', 'custom-columns=NAME:{metadata.name},IP:{status.podIP}']);
  assert.equal(cc, 'NAME    IP\napp-a   10.244.1.2\napp-b   10.244.1.3\n');
  assert.equal((await c.kubectl(['get', 'pods', '-l', 'app=none'])).stderr.trim(), 'No resources found in default namespace.');

  await c.ok(['create', '-f', c.write('ep.yaml', `apiVersion: v1
kind: Endpoints
metadata:
  name: many
subsets:
- addresses:
  - ip: 10.244.1.2
  - ip: 10.244.2.3
  - ip: 10.244.3.4
  - ip: 10.244.3.5
  ports:
  - port: 80
`)]);
  const ep = rows(await c.ok(['get', 'endpoints', 'many']));
  assert.deepEqual(ep[0], ['NAME', 'ENDPOINTS', 'AGE']);
  assert.equal(ep[1][1], '10.244.1.2:80,10.244.2.3:80,10.244.3.4:80 + 1 more...');
  await c.ok(['create', '-f', c.write('ep0.yaml', 'apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: empty\n')]);
  assert.equal(rows(await c.ok(['get', 'ep', 'empty']))[1][1], '<none>');
});

test('kubectl get svc -w prints a change as it happens', async () => {
  const w = c.spawnKubectl(['get', 'svc', '-w']);
  let out = '';
  w.stdout!.on('data', (d) => (out += d));
  try {
    await waitFor('the initial list', () => out.includes('kubernetes'), 15_000);
    await c.ok(['create', 'service', 'clusterip', 'watched', '--tcp=5678:8080']);
    const line = await waitFor('the new service in the watch', () => out.split('\n').find((l) => l.startsWith('watched ')), 10_000);
    assert.match(line, /^watched\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+5678\/TCP\s+\d+s$/);
    assert.equal(out.split('\n').filter((l) => l.startsWith('NAME')).length, 1, 'one header');
  } finally {
    w.kill('SIGTERM');
  }
});

test('a wrong token is refused; a token from the token file works', async () => {
  const bad = await c.kubectl(['--token=not-a-token', 'get', 'svc']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr.trim(), 'error: You must be logged in to the server (Unauthorized)');
  const tokenKc = path.join(c.dir, 'alice.kubeconfig');
  const { writeKubeconfig } = await import('../certs/kubeconfig');
  writeKubeconfig(tokenKc, { server: c.server, caFile: c.certs.caFile, user: 'alice', token: c.certs.tokens.alice });
  const good = await c.kubectl(['get', 'ns', 'default', '-o', 'name'], { kubeconfig: tokenKc });
  assert.equal(good.stdout, 'namespace/default\n', good.stderr);
  const who = await c.kubectl(['auth', 'whoami'], { kubeconfig: tokenKc });
  assert.match(who.stdout, /^Username\s+alice$/m, who.stderr);
  assert.match((await c.ok(['auth', 'whoami'])), /^Username\s+kubernetes-admin\nGroups\s+\[system:masters system:authenticated\]$/m);
  assert.equal(await c.ok(['auth', 'can-i', 'delete', 'pods']), 'yes\n');
  // no credentials at all: 401 with a Status
  const anon = await new Promise<{ code: number; body: string }>((resolve, reject) => {
    https.get(`${c.server}/api/v1/namespaces/default/services`, { ca: fs.readFileSync(c.certs.caFile) }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
  assert.equal(anon.code, 401);
  assert.deepEqual(JSON.parse(anon.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
});

test('server dry runs: kubectl diff, apply/create/delete --dry-run=server store nothing', async () => {
  const f = c.write('dry.yaml', SVC.replace(/nginx/g, 'dry'));
  await c.ok(['apply', '-f', f]);
  c.write('dry.yaml', SVC.replace(/nginx/g, 'dry').replace('port: 80', 'port: 9090'));
  const diff = await c.kubectl(['diff', '-f', f]);
  assert.equal(diff.code, 1, diff.stderr);
  assert.match(diff.stdout, /^   - name: http\n-    port: 80\n\+    port: 9090$/m);
  assert.equal(await c.ok(['apply', '-f', f, '--dry-run=server']), 'service/dry configured (server dry run)\n');
  assert.equal(await c.ok(['create', 'deployment', 'drydep', '--image=nginx', '--dry-run=server']), 'deployment.apps/drydep created (server dry run)\n');
  assert.equal(await c.ok(['delete', 'svc', 'dry', '--dry-run=server']), 'service "dry" deleted (server dry run)\n');
  assert.equal(await c.ok(['get', 'svc', 'dry', '-o', 'jsonpath={.spec.ports[0].port}']), '80');
  assert.equal((await c.kubectl(['get', 'deploy', 'drydep'])).code, 1);
});
