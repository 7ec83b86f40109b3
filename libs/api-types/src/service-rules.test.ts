import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, clusterIPsOf, dedupeEndpoints, endpointState, isHeadless, needsHealthCheckNodePort, needsNodePorts, primaryClusterIP } from './index';

test('headless by either spelling; primary and all cluster IPs', () => {
  assert.ok(isHeadless({ spec: { clusterIP: 'None' } }));
  assert.ok(isHeadless({ spec: { clusterIPs: ['None'] } }));
  assert.ok(!isHeadless({ spec: { clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'] } }));
  assert.equal(primaryClusterIP({ spec: { clusterIP: 'None' } }), undefined);
  assert.equal(primaryClusterIP({ spec: { type: 'ExternalName', externalName: 'x.example' } }), undefined);
  assert.equal(primaryClusterIP({ spec: { clusterIPs: ['10.96.0.5'] } }), '10.96.0.5');
  assert.deepEqual(clusterIPsOf({ spec: { clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5', 'fd00::5'] } }), ['10.96.0.5', 'fd00::5']);
});

test('node ports and health check node port', () => {
  assert.ok(needsHealthCheckNodePort({ spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' } }));
  assert.ok(!needsHealthCheckNodePort({ spec: { type: 'NodePort', externalTrafficPolicy: 'Local' } }));
  assert.ok(needsNodePorts({ spec: { type: 'NodePort' } }));
  assert.ok(!needsNodePorts({ spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false } }));
});

test('endpoint defaults and de-duplication prefer the ready copy', () => {
  assert.deepEqual(endpointState({}), { ready: true, serving: true, terminating: false });
  assert.deepEqual(endpointState({ conditions: { ready: false, terminating: true } }), { ready: false, serving: false, terminating: true });
  const eps = [{ ip: 'a', ready: false, n: 1 }, { ip: 'b', ready: true, n: 2 }, { ip: 'a', ready: true, n: 3 }];
  assert.deepEqual(dedupeEndpoints(eps, (e) => e.ip).map((e) => e.n), [3, 2]);
});

test('canonicalJson sorts keys and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] }), '{"a":[{"c":"x"}],"b":1}');
});
