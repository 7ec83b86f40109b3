import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Service } from '@svcnet/api-types';
import { buildLbSpec, eligibleNodes, wantsLoadBalancer } from './lb-spec';

const svc = (spec: Partial<Service['spec']>, meta: Partial<Service['metadata']> = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', ...meta },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }], ...spec },
});
const node = (name: string, ip: string | undefined, extra: Partial<Node> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, ...(extra.metadata ?? {}) },
  status: { addresses: ip ? [{ type: 'InternalIP', address: ip }] : [], ...(extra.status ?? {}) },
});

test('ours: type LoadBalancer without a class, not being deleted', () => {
  assert.ok(wantsLoadBalancer(svc({})));
  assert.ok(!wantsLoadBalancer(svc({ loadBalancerClass: 'example.com/other' })));
  assert.ok(!wantsLoadBalancer(svc({ type: 'NodePort' })));
  assert.ok(!wantsLoadBalancer(svc({}, { deletionTimestamp: '2026-11-23T00:00:00Z' })));
});

test('backends: nodes with an InternalIP, not NotReady, not excluded', () => {
  const nodes = [
    node('n2', '10.0.0.2'),
    node('n1', '10.0.0.1'),
    node('noip', undefined),
    node('down', '10.0.0.3', { status: { conditions: [{ type: 'Ready', status: 'False' }] } } as Partial<Node>),
    node('excl', '10.0.0.4', { metadata: { name: 'excl', labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } } }),
  ];
  assert.deepEqual(eligibleNodes(nodes), [{ node: 'n1', ip: '10.0.0.1' }, { node: 'n2', ip: '10.0.0.2' }]);
});

test('health check: TCP nodePort for Cluster, /healthz on healthCheckNodePort for Local, none for UDP-only', () => {
  assert.deepEqual(buildLbSpec(svc({}), '10.78.42.1', []).healthCheck, { kind: 'tcp', port: 30080 });
  assert.deepEqual(buildLbSpec(svc({ externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 }), '10.78.42.1', []).healthCheck, { kind: 'http', port: 31000, path: '/healthz' });
  assert.deepEqual(buildLbSpec(svc({ ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }] }), '10.78.42.1', []).healthCheck, { kind: 'none' });
});

test('ports without a nodePort (allocateLoadBalancerNodePorts: false) are not served', () => {
  const s = buildLbSpec(svc({ allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }, { port: 53, protocol: 'UDP', nodePort: 30053 }], loadBalancerSourceRanges: ['10.0.0.0/8'] }), '10.78.42.1', []);
  assert.deepEqual(s.ports, [{ name: undefined, protocol: 'UDP', port: 53, nodePort: 30053 }]);
  assert.deepEqual(s.sourceRanges, ['10.0.0.0/8']);
});
