// Table printers: Kubernetes' columns and cell formats, kind by kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339, type KubeObject } from '@svcnet/api-types';
import { humanDuration, toTable, wantsTable } from './index';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const ago = (s: number) => rfc3339(NOW - s * 1000);
const meta = (name: string, ageS = 42, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(ageS), ...extra });

function table(kind: string, obj: Record<string, unknown>) {
  const t = toTable(kind, [obj as KubeObject], '7', { includeObject: 'Metadata', now: NOW }) as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[]; object: unknown }[]; metadata: unknown };
  return { names: t.columnDefinitions.map((c) => c.name), wide: t.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name), cells: t.rows[0].cells, object: t.rows[0].object, t };
}

test('HumanDuration like kubectl', () => {
  const cases: [number, string][] = [[0, '0s'], [-1500, '0s'], [-3000, '<invalid>'], [59_000, '59s'], [119_000, '119s'], [120_000, '2m'], [125_000, '2m5s'], [600_000, '10m'], [179 * 60_000, '179m'], [3 * 3600_000, '3h'], [3 * 3600_000 + 5 * 60_000, '3h5m'], [8 * 3600_000, '8h'], [47 * 3600_000, '47h'], [48 * 3600_000, '2d'], [50 * 3600_000, '2d2h'], [8 * 86400_000, '8d'], [800 * 86400_000, '2y70d'], [9 * 365 * 86400_000, '9y']];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}`);
});

test('Service: TYPE, CLUSTER-IP, EXTERNAL-IP (<none>, <pending>, ingress + externalIPs), PORT(S), SELECTOR', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({ metadata: meta('s'), spec, status });
  const np = table('Service', svc({ type: 'NodePort', clusterIP: '10.96.3.4', clusterIPs: ['10.96.3.4'], selector: { b: '2', a: '1' }, ports: [{ port: 8080, nodePort: 30120, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }));
  assert.deepEqual(np.names, ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  assert.deepEqual(np.wide, ['Selector']);
  assert.deepEqual(np.cells, ['s', 'NodePort', '10.96.3.4', '<none>', '8080:30120/TCP,53/UDP', '42s', 'a=1,b=2']);
  assert.deepEqual(np.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta('s') });
  assert.equal(table('Service', svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.9'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] })).cells[3], '<pending>');
  assert.equal(table('Service', svc({ type: 'LoadBalancer', externalIPs: ['1.2.3.4'] }, { loadBalancer: { ingress: [{ ip: '192.168.9.2' }, { ip: '192.168.9.1' }] } })).cells[3], '192.168.9.1,192.168.9.2,1.2.3.4');
  assert.equal(table('Service', svc({ type: 'ClusterIP', externalIPs: ['1.2.3.4', '5.6.7.8'] })).cells[3], '1.2.3.4,5.6.7.8');
  const en = table('Service', svc({ type: 'ExternalName', externalName: 'example.com' }));
  assert.deepEqual(en.cells.slice(1, 5), ['ExternalName', '<none>', 'example.com', '<none>']);
  assert.equal(table('Service', svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80, protocol: 'TCP' }] })).cells[2], 'None');
  assert.equal(table('Service', svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.2'] })).cells[6], '<none>');
});

test('Endpoints: host:port, "+ N more...", headless without ports, <none>', () => {
  const ep = (subsets: unknown) => table('Endpoints', { metadata: meta('e'), subsets }).cells[1];
  assert.equal(ep([{ addresses: [{ ip: '10.244.1.2' }, { ip: '10.244.2.3' }, { ip: '10.244.2.4' }, { ip: '10.244.3.5' }], ports: [{ port: 80 }] }]), '10.244.1.2:80,10.244.2.3:80,10.244.2.4:80 + 1 more...');
  assert.equal(ep([{ addresses: [{ ip: '10.244.1.2' }], ports: [{ port: 80 }, { port: 443 }] }]), '10.244.1.2:80,10.244.1.2:443');
  assert.equal(ep([{ addresses: [{ ip: '10.244.1.2' }] }]), '10.244.1.2');
  assert.equal(ep(undefined), '<none>');
  assert.equal(ep([{ notReadyAddresses: [{ ip: '10.244.1.2' }], ports: [{ port: 80 }] }]), '<none>');
  assert.deepEqual(table('Endpoints', { metadata: meta('e') }).names, ['Name', 'Endpoints', 'Age']);
});

test('EndpointSlice: ADDRESSTYPE PORTS ENDPOINTS', () => {
  const t = table('EndpointSlice', { metadata: meta('web-abc'), addressType: 'IPv4', ports: [{ port: 80 }, { name: 'x' }], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }] });
  assert.deepEqual(t.names, ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
  assert.deepEqual(t.cells, ['web-abc', 'IPv4', '80,x', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '42s']);
  assert.deepEqual(table('EndpointSlice', { metadata: meta('e'), addressType: 'IPv4', endpoints: [] }).cells.slice(2, 4), ['<unset>', '<unset>']);
});

test('Pod: READY, STATUS from container states, RESTARTS with last restart, wide IP/NODE', () => {
  const pod = (status: Record<string, unknown>, extra: Record<string, unknown> = {}) => table('Pod', { metadata: meta('p', 42, extra), spec: { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'node-1' }, status });
  const run = pod({
    phase: 'Running',
    podIPs: [{ ip: '10.244.1.7' }],
    containerStatuses: [
      { name: 'a', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } },
      { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } },
    ],
  });
  assert.deepEqual(run.names, ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  assert.deepEqual(run.cells, ['p', '1/2', 'CrashLoopBackOff', '2 (30s ago)', '42s', '10.244.1.7', 'node-1', '<none>', '<none>']);
  assert.deepEqual(pod({ phase: 'Pending' }).cells.slice(1, 4), ['0/2', 'Pending', '0']);
  assert.equal(pod({ phase: 'Running' }, { deletionTimestamp: ago(0) }).cells[2], 'Terminating');
  assert.equal(pod({ phase: 'Failed', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] }).cells[2], 'ExitCode:3');
  assert.equal(pod({ phase: 'Succeeded', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }).cells[2], 'Completed');
  assert.equal(pod({ phase: 'Pending' }).cells[5], '<none>');
});

test('Deployment and ReplicaSet columns', () => {
  const spec = { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }] } } };
  const d = table('Deployment', { metadata: meta('web', 7200), spec, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } });
  assert.deepEqual(d.names, ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(d.cells, ['web', '2/3', 3, 2, '120m', 'nginx,side', 'nginx:1.27,busybox', 'app=web,tier in (a,b)']);
  const rs = table('ReplicaSet', { metadata: meta('web-5d4f', 30), spec, status: { replicas: 3, readyReplicas: 1 } });
  assert.deepEqual(rs.names, ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(rs.cells.slice(0, 5), ['web-5d4f', 3, 3, 1, '30s']);
});

test('Node, Namespace and Event columns', () => {
  const n = table('Node', {
    metadata: { name: 'node-1', creationTimestamp: ago(90000), labels: { 'node-role.kubernetes.io/control-plane': '' } },
    spec: { unschedulable: true },
    status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.100.0.11' }], nodeInfo: { kubeletVersion: 'v1.32.0-svcnet', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'svcnet://0.1.0' } },
  });
  assert.deepEqual(n.names, ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
  assert.deepEqual(n.cells, ['node-1', 'Ready,SchedulingDisabled', 'control-plane', '25h', 'v1.32.0-svcnet', '10.100.0.11', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'svcnet://0.1.0']);
  assert.deepEqual(table('Node', { metadata: { name: 'n2', creationTimestamp: ago(5) } }).cells.slice(1, 3), ['Unknown', '<none>']);
  assert.deepEqual(table('Namespace', { metadata: { name: 'bluegreen', creationTimestamp: ago(5) }, status: { phase: 'Active' } }).cells, ['bluegreen', 'Active', '5s']);
  const e = table('Event', { metadata: meta('web.1'), involvedObject: { kind: 'Service', name: 'web' }, type: 'Normal', reason: 'EnsuringLoadBalancer', message: ' Ensuring load balancer\n', firstTimestamp: ago(300), lastTimestamp: ago(65), count: 2, source: { component: 'service-controller' } });
  assert.deepEqual(e.names, ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
  assert.deepEqual(e.cells, ['65s', 'Normal', 'EnsuringLoadBalancer', 'service/web', '', 'service-controller', 'Ensuring load balancer', '5m', 2, 'web.1']);
});

test('includeObject and the Accept header', () => {
  const o = { metadata: meta('s'), spec: {} };
  const none = toTable('Service', [o as KubeObject], '1', { includeObject: 'None', now: NOW }) as { rows: Record<string, unknown>[] };
  assert.equal(none.rows[0].object, undefined);
  const full = toTable('Service', [o as KubeObject], '1', { includeObject: 'Object', now: NOW }) as { rows: Record<string, unknown>[] };
  assert.deepEqual(full.rows[0].object, o);
  assert.equal(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'), true);
  assert.equal(wantsTable('application/json'), false);
  assert.equal(wantsTable(undefined), false);
});

test('ConfigMap: DATA counts data and binaryData; Secret: TYPE DATA', () => {
  const cm = table('ConfigMap', { metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } });
  assert.deepEqual(cm.names, ['Name', 'Data', 'Age']);
  assert.deepEqual(cm.cells, ['cfg', 3, '42s']);
  assert.deepEqual(table('ConfigMap', { metadata: meta('empty') }).cells, ['empty', 0, '42s']);
  const s = table('Secret', { metadata: meta('regcred'), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30=' } });
  assert.deepEqual(s.names, ['Name', 'Type', 'Data', 'Age']);
  assert.deepEqual(s.cells, ['regcred', 'kubernetes.io/dockerconfigjson', 1, '42s']);
});
