import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Container, Pod, Secret } from '@svcnet/api-types';
import { EnvError, containerEnv, expandVars, fieldRefValue, formatMap, goQuote, podHostname, resourceFieldValue, type EnvSources } from './container-env';

const pod: Pod = {
  metadata: { namespace: 'web', name: 'client-7d9f', uid: 'u-1', labels: { app: 'c' }, annotations: { 'x.io/a': 'b' } },
  spec: { nodeName: 'node-1', serviceAccountName: 'robot', containers: [] },
};
const b64 = (s: string) => Buffer.from(s).toString('base64');
const cms: Record<string, ConfigMap> = {
  cfg: { metadata: { name: 'cfg', namespace: 'web' }, data: { LOG_LEVEL: 'debug', 'app.mode': 'fast', '1ST': 'one' }, binaryData: { blob: b64('bin') } } as ConfigMap,
};
const secrets: Record<string, Secret> = {
  creds: { metadata: { name: 'creds', namespace: 'web' }, data: { user: b64('admin'), pass: b64('p@ss') } } as Secret,
};
const src: EnvSources = {
  configMap: (ns, name) => (ns === 'web' ? cms[name] : undefined),
  secret: (ns, name) => (ns === 'web' ? secrets[name] : undefined),
  nodeAllocatable: { cpu: 4, memory: 8 * 2 ** 30 },
};

test('expandVars replaces known $(VAR), keeps unknown ones and unescapes $$', () => {
  const vars = new Map([['A', '1'], ['my.var', 'dotted']]);
  const cases: [string, string][] = [
    ['x$(A)y$(B)z$$(A)', 'x1y$(B)z$(A)'],
    ['$$$(A)', '$1'],
    ['$(my.var)', 'dotted'],
    ['$(A', '$(A'],
    ['$A $', '$A $'],
    ['$()', '$()'],
  ];
  for (const [input, want] of cases) assert.equal(expandVars(input, vars), want, input);
});

test('container env: service vars, container env wins, fieldRef and $(VAR); no PATH/HOME/HOSTNAME of its own', () => {
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
        { name: 'HOST', value: '$(HOSTNAME)' },
        { name: 'EMPTY' },
      ],
    },
    [
      { name: 'FOO_SERVICE_HOST', value: '10.96.0.5' },
      { name: 'FOO_SERVICE_PORT', value: '80' },
    ],
    { podIP: '10.244.1.7', hostIP: '10.0.0.1' },
  );
  // the runtime sets PATH (from the image) and HOSTNAME (from the sandbox); the kubelet does not
  assert.equal(env.has('PATH'), false);
  assert.equal(env.has('HOME'), false);
  assert.equal(env.has('HOSTNAME'), false);
  assert.equal(env.get('FOO_SERVICE_HOST'), 'override');
  assert.equal(env.get('MY_POD_IP'), '10.244.1.7');
  assert.equal(env.get('MY_NS'), 'web');
  assert.equal(env.get('APP'), 'c');
  assert.equal(env.get('URL'), 'http://override:80');
  assert.equal(env.get('HOST'), '$(HOSTNAME)');
  assert.equal(env.get('EMPTY'), '');
});

test('envFrom with prefix, every key used; env overrides envFrom; optional missing sources', () => {
  const c: Container = {
    name: 'c',
    envFrom: [
      { configMapRef: { name: 'cfg' }, prefix: 'CFG_' },
      { secretRef: { name: 'creds' } },
      { configMapRef: { name: 'absent', optional: true } },
      { secretRef: { name: 'absent', optional: true } },
    ],
    env: [{ name: 'user', value: 'me' }],
  };
  const env = containerEnv(pod, c, [], {}, src);
  assert.deepEqual(Object.fromEntries(env), {
    CFG_LOG_LEVEL: 'debug',
    'CFG_app.mode': 'fast',
    CFG_1ST: 'one', // RelaxedEnvironmentVariableValidation: not skipped any more
    user: 'me',
    pass: 'p@ss',
  });
  assert.equal(containerEnv(pod, { name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }] }, [], {}, src).get('1ST'), 'one');
});

test('valueFrom configMapKeyRef / secretKeyRef with optional, and the kubelet error messages', () => {
  const one = (valueFrom: NonNullable<Container['env']>[number]['valueFrom']) => containerEnv(pod, { name: 'c', env: [{ name: 'V', valueFrom }] }, [], {}, src).get('V');
  const ok: [NonNullable<Container['env']>[number]['valueFrom'], string | undefined][] = [
    [{ configMapKeyRef: { name: 'cfg', key: 'LOG_LEVEL' } }, 'debug'],
    [{ secretKeyRef: { name: 'creds', key: 'pass' } }, 'p@ss'],
    [{ configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } }, undefined],
    [{ configMapKeyRef: { name: 'absent', key: 'k', optional: true } }, undefined],
    [{ secretKeyRef: { name: 'creds', key: 'nope', optional: true } }, undefined],
    [{ secretKeyRef: { name: 'absent', key: 'k', optional: true } }, undefined],
  ];
  for (const [vf, want] of ok) assert.equal(one(vf), want, JSON.stringify(vf));
  const bad: [NonNullable<Container['env']>[number]['valueFrom'], string][] = [
    [{ configMapKeyRef: { name: 'absent', key: 'k' } }, 'configmap "absent" not found'],
    [{ configMapKeyRef: { name: 'cfg', key: 'k' } }, "couldn't find key k in ConfigMap web/cfg"],
    // the kubelet reads configMap.Data only
    [{ configMapKeyRef: { name: 'cfg', key: 'blob' } }, "couldn't find key blob in ConfigMap web/cfg"],
    [{ secretKeyRef: { name: 'absent', key: 'k' } }, 'secret "absent" not found'],
    [{ secretKeyRef: { name: 'creds', key: 'k' } }, "couldn't find key k in Secret web/creds"],
  ];
  for (const [vf, msg] of bad) assert.throws(() => one(vf), (e: unknown) => e instanceof EnvError && e.message === msg, msg);
  assert.throws(() => containerEnv(pod, { name: 'c', envFrom: [{ configMapRef: { name: 'absent' } }] }, [], {}, src), (e: unknown) => e instanceof EnvError && e.message === 'configmap "absent" not found');
  assert.throws(() => containerEnv(pod, { name: 'c', envFrom: [{ secretRef: { name: 'absent' } }] }, [], {}, src), (e: unknown) => e instanceof EnvError && e.message === 'secret "absent" not found');
});

test('resourceFieldRef: rounded up in units of the divisor, limits default to node allocatable', () => {
  const c: Container = { name: 'app', resources: { requests: { cpu: '250m', memory: '100Mi' }, limits: { cpu: '1100m', memory: '128Mi' } } };
  const bare: Container = { name: 'bare' };
  const p: Pod = { ...pod, spec: { ...pod.spec, containers: [c, bare] } };
  const cases: [Container, { resource: string; divisor?: string; containerName?: string }, string][] = [
    [c, { resource: 'limits.cpu' }, '2'], // 1.1 cores, rounded up
    [c, { resource: 'limits.cpu', divisor: '1m' }, '1100'],
    [c, { resource: 'requests.cpu' }, '1'],
    [c, { resource: 'requests.cpu', divisor: '1m' }, '250'],
    [c, { resource: 'requests.cpu', divisor: '100m' }, '3'],
    [c, { resource: 'limits.memory' }, String(128 * 2 ** 20)],
    [c, { resource: 'limits.memory', divisor: '1Mi' }, '128'],
    [c, { resource: 'requests.memory', divisor: '1M' }, '105'],
    [bare, { resource: 'limits.cpu' }, '4'],
    [bare, { resource: 'limits.memory', divisor: '1Gi' }, '8'],
    [bare, { resource: 'requests.cpu' }, '0'],
    [bare, { resource: 'limits.cpu', containerName: 'app', divisor: '1m' }, '1100'],
  ];
  for (const [ctr, ref, want] of cases) assert.equal(resourceFieldValue(p, ctr, ref, src), want, `${ctr.name} ${JSON.stringify(ref)}`);
});

test('fieldRef paths', () => {
  const facts = { podIP: '10.244.1.7', hostIP: '10.0.0.1', nodeName: 'n' };
  const cases: [string, string][] = [
    ['metadata.name', 'client-7d9f'],
    ['metadata.namespace', 'web'],
    ['metadata.uid', 'u-1'],
    ["metadata.labels['app']", 'c'],
    ["metadata.labels['missing']", ''],
    ["metadata.annotations['x.io/a']", 'b'],
    ['metadata.labels', 'app="c"'],
    ['spec.nodeName', 'node-1'],
    ['spec.serviceAccountName', 'robot'],
    ['status.podIP', '10.244.1.7'],
    ['status.podIPs', '10.244.1.7'],
    ['status.hostIP', '10.0.0.1'],
    ['status.hostIPs', '10.0.0.1'],
  ];
  for (const [path, want] of cases) assert.equal(fieldRefValue(pod, path, facts), want, path);
});

test('goQuote and formatMap follow strconv.Quote and fieldpath.FormatMap', () => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['a\nb\tc', '"a\\nb\\tc"'],
    ['\x01\x7f', '"\\x01\\x7f"'],
    ['héllo ☃', '"héllo ☃"'],
    ['\u2028', '"\\u2028"'],
  ];
  for (const [v, want] of cases) assert.equal(goQuote(v), want, JSON.stringify(v));
  assert.equal(formatMap({ b: '2', a: '1', 'A.b/c': 'x"y' }), 'A.b/c="x\\"y"\na="1"\nb="2"');
  assert.equal(formatMap({}), '');
});

test('hostname is spec.hostname or the pod name', () => {
  assert.equal(podHostname(pod), 'client-7d9f');
  assert.equal(podHostname({ ...pod, spec: { ...pod.spec, hostname: 'h1' } }), 'h1');
  assert.equal(podHostname({ ...pod, metadata: { ...pod.metadata, name: `${'x'.repeat(62)}-y` } }), 'x'.repeat(62));
});
