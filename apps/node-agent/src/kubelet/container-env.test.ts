import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@svcnet/api-types';
import { containerEnv, expandVars, podHostname } from './container-env';

const pod: Pod = {
  metadata: { namespace: 'web', name: 'client-7d9f', uid: 'u-1', labels: { app: 'c' } },
  spec: { nodeName: 'node-1', containers: [] },
};

test('expandVars replaces known $(VAR), keeps unknown ones and unescapes $$', () => {
  const vars = new Map([['A', '1']]);
  assert.equal(expandVars('x$(A)y$(B)z$$(A)', vars), 'x1y$(B)z$(A)');
});

test('container env: defaults, service vars, container env wins, fieldRef and $(VAR)', () => {
  const env = containerEnv(
    pod,
    {
      name: 'c',
      env: [
        { name: 'FOO_SERVICE_HOST', value: 'override' },
        { name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'MY_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'URL', value: 'http://$(FOO_SERVICE_HOST):$(FOO_SERVICE_PORT)' },
      ],
    },
    [
      { name: 'FOO_SERVICE_HOST', value: '10.96.0.5' },
      { name: 'FOO_SERVICE_PORT', value: '80' },
    ],
    { podIP: '10.244.1.7', hostIP: '10.0.0.1' },
  );
  assert.equal(env.get('HOSTNAME'), 'client-7d9f');
  assert.ok(env.get('PATH')!.includes('/usr/bin'));
  assert.equal(env.get('FOO_SERVICE_HOST'), 'override');
  assert.equal(env.get('MY_POD_IP'), '10.244.1.7');
  assert.equal(env.get('MY_NS'), 'web');
  assert.equal(env.get('APP'), 'c');
  assert.equal(env.get('URL'), 'http://override:80');
});

test('hostname is spec.hostname or the pod name', () => {
  assert.equal(podHostname(pod), 'client-7d9f');
  assert.equal(podHostname({ ...pod, spec: { ...pod.spec, hostname: 'h1' } }), 'h1');
});
