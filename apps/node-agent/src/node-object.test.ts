import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNode, heartbeatConditions, internalIPOf } from './node-object';
import { desiredRoutes, routeChanges } from './node-routes';
import type { Node } from '@svcnet/api-types';

test('the Node carries InternalIP, capacity, nodeInfo and a Ready condition with a heartbeat', () => {
  const n = buildNode({ name: 'node-1', internalIP: '10.0.0.11', cpus: 2, memoryBytes: 4 * 1024 ** 3, architecture: 'amd64' }, 'T0');
  assert.equal(internalIPOf(n), '10.0.0.11');
  assert.deepEqual(n.status!.addresses, [
    { type: 'InternalIP', address: '10.0.0.11' },
    { type: 'Hostname', address: 'node-1' },
  ]);
  assert.deepEqual(n.status!.capacity, { cpu: '2', memory: '4194304Ki', pods: '110' });
  assert.equal(n.status!.nodeInfo!.operatingSystem, 'linux');
  assert.equal(n.metadata.labels!['kubernetes.io/hostname'], 'node-1');
  const ready = n.status!.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'True');
  assert.equal(ready.lastHeartbeatTime, 'T0');
});

test('a heartbeat renews lastHeartbeatTime and keeps lastTransitionTime', () => {
  const c1 = heartbeatConditions('T1');
  const c2 = heartbeatConditions('T2', [...c1, { type: 'MemoryPressure', status: 'False' }]);
  const ready = c2.find((c) => c.type === 'Ready')!;
  assert.equal(ready.lastHeartbeatTime, 'T2');
  assert.equal(ready.lastTransitionTime, 'T1');
  assert.ok(c2.some((c) => c.type === 'MemoryPressure'));
  const fromNotReady = heartbeatConditions('T3', [{ type: 'Ready', status: 'Unknown', lastTransitionTime: 'T0' }]);
  assert.equal(fromNotReady[0].lastTransitionTime, 'T3');
});

test('routes go to every other node pod CIDR via its InternalIP', () => {
  const node = (name: string, ip: string | undefined, cidr?: string): Node => ({
    metadata: { name },
    spec: { podCIDR: cidr },
    status: { addresses: ip ? [{ type: 'InternalIP', address: ip }] : [] },
  });
  const nodes = [node('n1', '10.0.0.1', '10.244.0.0/24'), node('n2', '10.0.0.2', '10.244.1.0/24'), node('n3', undefined, '10.244.2.0/24'), node('n4', '10.0.0.4')];
  assert.deepEqual(desiredRoutes(nodes, 'n1'), [{ cidr: '10.244.1.0/24', via: '10.0.0.2' }]);
  const cur = new Map([
    ['10.244.1.0/24', '10.0.0.9'],
    ['10.244.9.0/24', '10.0.0.9'],
  ]);
  assert.deepEqual(routeChanges(cur, desiredRoutes(nodes, 'n1')), { replace: [{ cidr: '10.244.1.0/24', via: '10.0.0.2' }], remove: ['10.244.9.0/24'] });
});
