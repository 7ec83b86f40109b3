// The HTTP API seen by other clients: @kubernetes/client-node informers, raw watch with
// 410 Gone, events found by describe's field selector, and pod logs proxied to the kubelet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { rfc3339, type KubeObject, type Node, type Pod, type Service } from '@svcnet/api-types';
import { waitFor } from '@svcnet/test-harness';
import { startKubectlCluster, KUBECTL, type KubectlCluster } from './kubectl-harness';

let c: KubectlCluster;
before(async () => {
  c = await startKubectlCluster(['--watch-history=20']);
});
after(async () => {
  await c?.stop();
});

// client-node is an ES module; tsc's commonjs output would turn import() into require().
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<any>;

function request(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ code: number; headers: http.IncomingHttpHeaders; body: string }> {
  const dir = path.join(c.dir, 'pki');
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${c.server}${urlPath}`,
      { method, ca: fs.readFileSync(c.certs.caFile), cert: fs.readFileSync(path.join(dir, 'admin.crt')), key: fs.readFileSync(path.join(dir, 'admin.key')), headers: { 'Content-Type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  });
}

test('a @kubernetes/client-node informer on Services sees add, update and delete', async () => {
  const k8s = await importEsm('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/services', () => core.listNamespacedService({ namespace: 'default' }));
  const seen: string[] = [];
  informer.on('add', (o: Service) => seen.push(`add ${o.metadata.name}`));
  informer.on('update', (o: Service) => seen.push(`update ${o.metadata.name} ${o.metadata.labels?.v ?? ''}`));
  informer.on('delete', (o: Service) => seen.push(`delete ${o.metadata.name}`));
  await informer.start();
  try {
    await waitFor('the initial list', () => seen.includes('add kubernetes'));
    const created = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'inf' }, spec: { ports: [{ port: 80 }] } } });
    assert.match(created.spec.clusterIP, /^10\./);
    await waitFor('add', () => seen.includes('add inf'));
    await core.patchNamespacedService({ namespace: 'default', name: 'inf', body: { metadata: { labels: { v: '2' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await waitFor('update', () => seen.includes('update inf 2'));
    await core.deleteNamespacedService({ namespace: 'default', name: 'inf' });
    await waitFor('delete', () => seen.includes('delete inf'));
    assert.equal(informer.list('default').some((s: Service) => s.metadata.name === 'inf'), false);
  } finally {
    await informer.stop();
  }
});

test('watch streams JSON lines; a compacted resourceVersion gets an ERROR event with 410 Gone', async () => {
  const first = JSON.parse((await request('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'w0' }, spec: { ports: [{ port: 80 }] } })).body) as Service;
  for (let i = 0; i < 30; i++) await request('PATCH', '/api/v1/namespaces/default/services/w0', { metadata: { labels: { i: String(i) } } }, { 'Content-Type': 'application/merge-patch+json' });
  const r = await request('GET', `/api/v1/namespaces/default/services?watch=1&resourceVersion=${first.metadata.resourceVersion}`);
  assert.equal(r.code, 200);
  const ev = JSON.parse(r.body.trim().split('\n')[0]);
  assert.equal(ev.type, 'ERROR');
  assert.equal(ev.object.code, 410);
  assert.equal(ev.object.reason, 'Gone');
  assert.match(ev.object.message, /^too old resource version: /);

  const list = JSON.parse((await request('GET', '/api/v1/namespaces/default/services?fieldSelector=metadata.name%3Dw0')).body);
  assert.deepEqual(list.items.map((s: KubeObject) => s.metadata.name), ['w0']);
  const w = await new Promise<string>((resolve, reject) => {
    const req = https.get(
      `${c.server}/api/v1/namespaces/default/services?watch=true&fieldSelector=metadata.name%3Dw0&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=10`,
      { ca: fs.readFileSync(c.certs.caFile), cert: fs.readFileSync(path.join(c.dir, 'pki', 'admin.crt')), key: fs.readFileSync(path.join(c.dir, 'pki', 'admin.key')) },
      (res) => {
        let text = '';
        let deleting = false;
        res.on('data', (d) => {
          text += d;
          if (text.includes('\n') && !deleting) {
            deleting = true;
            void request('DELETE', '/api/v1/namespaces/default/services/w0');
          }
          if (/"type":"DELETED".*\n/.test(text)) {
            req.destroy();
            resolve(text);
          }
        });
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    setTimeout(() => void request('PATCH', '/api/v1/namespaces/default/services/w0', { metadata: { labels: { x: 'y' } } }, { 'Content-Type': 'application/merge-patch+json' }), 200);
  });
  const types = w.trim().split('\n').map((l) => JSON.parse(l).type);
  assert.deepEqual(types, ['MODIFIED', 'DELETED']);
});

test('errors are metav1.Status with reason, causes and the HTTP code', async () => {
  const r = await request('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bad' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 8888 }] } });
  assert.equal(r.code, 422);
  const st = JSON.parse(r.body);
  assert.equal(st.reason, 'Invalid');
  assert.deepEqual(st.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767', field: 'spec.ports[0].nodePort' }]);
  const nf = await request('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
  assert.equal(nf.code, 404);
  assert.equal(JSON.parse(nf.body).message, 'deployments.apps "nope" not found');
  const warn = await request('POST', '/api/v1/namespaces/default/services?fieldValidation=Warn', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'warned' }, spec: { ports: [{ port: 80 }], sepc: 1 } });
  assert.equal(warn.code, 201);
  assert.equal(warn.headers.warning, '299 - "unknown field \\"spec.sepc\\""');
  assert.equal(JSON.parse(warn.body).spec.sepc, undefined);
  const anon = await new Promise<number>((resolve) => https.get(`${c.server}/api`, { ca: fs.readFileSync(c.certs.caFile) }, (res) => resolve(res.statusCode ?? 0)));
  assert.equal(anon, 401);
});

test('kubectl describe svc lists the Service events (field selector on involvedObject)', async () => {
  const svc = JSON.parse((await request('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } })).body) as Service;
  const now = rfc3339();
  const event = (name: string, uid: string | undefined, reason: string) => ({
    apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' },
    involvedObject: { apiVersion: 'v1', kind: 'Service', name: 'lb', namespace: 'default', uid },
    reason, message: `${reason} message`, type: 'Normal', source: { component: 'service-controller' }, firstTimestamp: now, lastTimestamp: now, count: 1,
  });
  assert.equal((await request('POST', '/api/v1/namespaces/default/events', event('lb.1', svc.metadata.uid, 'EnsuringLoadBalancer'))).code, 201);
  assert.equal((await request('POST', '/api/v1/namespaces/default/events', event('lb.2', 'another-uid', 'OtherService'))).code, 201);
  const r = await c.kubectl(['describe', 'svc', 'lb']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----\s+------\s+----\s+----\s+-------\n\s+Normal\s+EnsuringLoadBalancer\s+\d+s\s+service-controller\s+EnsuringLoadBalancer message\n?$/);
  const ev = await c.kubectl(['get', 'events']);
  assert.match(ev.stdout.split('\n')[0], /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
  assert.match(ev.stdout, /\d+s\s+Normal\s+EnsuringLoadBalancer\s+service\/lb\s+EnsuringLoadBalancer message/);
});

test('kubectl logs (and -f) are proxied to the kubelet port of the pod node', async () => {
  const calls: string[] = [];
  const kubelet = http.createServer((req, res) => {
    calls.push(req.url!);
    if (!req.url!.startsWith('/containerLogs/default/logger/main')) {
      res.writeHead(404).end('container not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    if (req.url!.includes('follow=true')) {
      res.write('line 1\n');
      setTimeout(() => res.end('line 2\n'), 300);
    } else res.end('line 1\nline 2\n');
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  try {
    const port = (kubelet.address() as { port: number }).port;
    // Through HTTP: the gRPC wire format has no daemonEndpoints (the port then defaults to 10250).
    const n = JSON.parse((await request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'logs-node' } })).body) as Node;
    (n as any).status = { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } }, conditions: [{ type: 'Ready', status: 'True' }] };
    const put = await request('PUT', '/api/v1/nodes/logs-node/status', n);
    assert.equal(put.code, 200, put.body);
    const pods = c.api.client.resource<Pod>('pods');
    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'logger', namespace: 'default' }, spec: { nodeName: 'logs-node', containers: [{ name: 'main', image: 'busybox' }] } });
    const p = await pods.get('default', 'logger');
    p.status = { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: { startedAt: new Date().toISOString() } } }] };
    await pods.updateStatus(p);

    const r = await c.kubectl(['logs', 'logger', '--tail=5']);
    assert.equal(r.stdout, 'line 1\nline 2\n', r.stderr);
    const f = await c.kubectl(['logs', '-f', 'logger']);
    assert.equal(f.stdout, 'line 1\nline 2\n', f.stderr);
    assert.deepEqual(calls, ['/containerLogs/default/logger/main?tailLines=5', '/containerLogs/default/logger/main?follow=true']);
    const bad = await c.kubectl(['logs', 'logger', '-c', 'nope']);
    assert.equal(bad.stderr.trim(), 'error: container nope is not valid for pod logger');
  } finally {
    kubelet.close();
  }
});
