// Pod spec rules for volumes, mounts, env, resources and securityContext, word for word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@svcnet/api-types';
import { defaultObject, validateObject } from './validate-object';
import { validatePodSpec } from './pod-validation';

const ENV_NAME_MSG = `a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`;
const QTY_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

type Spec = Record<string, unknown>;
const app = (extra: Record<string, unknown> = {}) => ({ name: 'app', image: 'nginx', ...extra });
const pod = (spec: Spec): KubeObject => ({ metadata: { name: 'p', namespace: 'd' }, spec: { containers: [app()], ...spec } } as unknown as KubeObject);

const cases: [string, Spec, string[]][] = [
  ['a full valid spec', {
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c', items: [{ key: 'k', path: 'conf/k' }] } }, { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
    containers: [app({
      volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
      env: [{ name: 'A.b-c_1', value: 'x' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } }],
      envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'c' } }],
      resources: { limits: { cpu: '1', memory: '1Gi', 'example.com/gpu': '1' }, requests: { cpu: '500m', memory: '1Gi' } },
      securityContext: { runAsUser: 0, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
      livenessProbe: { grpc: { port: 9000 } },
    })],
    securityContext: { runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3000], sysctls: [{ name: 'net.ipv4.ip_forward', value: '1' }] },
    dnsPolicy: 'None', dnsConfig: { nameservers: ['10.96.0.10'], searches: ['svc.cluster.local.'], options: [{ name: 'ndots', value: '5' }] },
  }, []],
  ['volume names: label, unique', { volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }, { name: 'Bad_Name', emptyDir: {} }] }, [
    'spec.volumes[1].name: Duplicate value: "data"',
    `spec.volumes[2].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
  ]],
  ['more than one source', { volumes: [{ name: 'v', emptyDir: {}, configMap: { name: 'c' } }] }, ['spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type']],
  ['unsupported source', { volumes: [{ name: 'v', nfs: { server: 'x', path: '/' } }] }, [
    'spec.volumes[0].nfs: Forbidden: svcnet supports only emptyDir, configMap, secret, hostPath, downwardAPI, projected, persistentVolumeClaim volumes',
  ]],
  ['source details', { volumes: [
    { name: 'a', secret: { defaultMode: 1000, items: [{ key: 'k', path: '/abs' }, { key: '', path: 'x/../../y' }] } },
    { name: 'b', configMap: { name: 'c', items: [{ key: 'k', path: '..data' }] } },
    { name: 'c', hostPath: { path: '/x', type: 'Dir' } },
    { name: 'd', persistentVolumeClaim: {} },
    { name: 'e', downwardAPI: { items: [{ path: 'x' }, { path: 'y', fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } }] } },
  ] }, [
    'spec.volumes[0].secret.secretName: Required value',
    'spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
    'spec.volumes[0].secret.items[0].path: Invalid value: "/abs": must be a relative path',
    'spec.volumes[0].secret.items[1].key: Required value',
    `spec.volumes[0].secret.items[1].path: Invalid value: "x/../../y": must not contain '..'`,
    `spec.volumes[1].configMap.items[0].path: Invalid value: "..data": must not start with '..'`,
    'spec.volumes[2].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    'spec.volumes[3].persistentVolumeClaim.claimName: Required value',
    'spec.volumes[4].downwardAPI.items[0]: Required value: one of fieldRef and resourceFieldRef is required',
    'spec.volumes[4].downwardAPI.items[1].fieldRef.fieldPath: Unsupported value: "spec.nodeName": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"',
  ]],
  ['volumeMounts: name must exist, mountPath required and unique, subPath relative', {
    volumes: [{ name: 'data', emptyDir: {} }],
    containers: [app({ volumeMounts: [{ name: 'x', mountPath: '/data' }, { name: 'data', mountPath: '/data' }, { name: 'data', mountPath: '' }, { name: 'data', mountPath: '/y', subPath: '../z', mountPropagation: 'Bidirectional' }] })],
  }, [
    'spec.containers[0].volumeMounts[0].name: Not found: "x"',
    'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique',
    'spec.containers[0].volumeMounts[2].mountPath: Required value',
    `spec.containers[0].volumeMounts.subPath: Invalid value: "../z": must not contain '..'`,
    'spec.containers[0].volumeMounts[3].mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers',
  ]],
  ['env names and valueFrom', { containers: [app({ env: [
    { name: '1BAD' },
    { name: 'A', valueFrom: {} },
    { name: 'B', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'C', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' }, secretKeyRef: { name: 's', key: 'k' } } },
    { name: 'D', valueFrom: { fieldRef: { fieldPath: 'spec.foo' } } },
    { name: 'E', valueFrom: { secretKeyRef: { name: 's', key: 'a b' } } },
    { name: 'F', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1Mi' } } },
  ] })] }, [
    `spec.containers[0].env[0].name: Invalid value: "1BAD": ${ENV_NAME_MSG}`,
    'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    'spec.containers[0].env[3].valueFrom: Invalid value: "": may not have more than one field specified at a time',
    'spec.containers[0].env[4].valueFrom.fieldRef.fieldPath: Invalid value: "spec.foo": error converting fieldPath: field label not supported: spec.foo',
    `spec.containers[0].env[5].valueFrom.secretKeyRef.key: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    `spec.containers[0].env[6].valueFrom.resourceFieldRef.divisor: Invalid value: "1Mi": only divisor's values 1m and 1 are supported with the cpu resource`,
  ]],
  ['envFrom one source', { containers: [app({ envFrom: [{ prefix: '9X' }, { configMapRef: { name: 'a' }, secretRef: { name: 'b' } }] })] }, [
    `spec.containers[0].envFrom[0].prefix: Invalid value: "9X": ${ENV_NAME_MSG}`,
    'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
    'spec.containers[0].envFrom: Invalid value: "": may not have more than one field specified at a time',
  ]],
  ['image required, pull policy enum', { containers: [app({ image: '', imagePullPolicy: 'Sometimes' })] }, [
    'spec.containers[0].image: Required value',
    'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
  ]],
  ['resources: quantities, names, requests <= limits', { containers: [app({ resources: {
    limits: { memory: '200Mx', cpu: '1', cpux: '1' },
    requests: { cpu: '2', memory: '-1' },
  } })] }, [
    'spec.containers[0].resources.limits[cpux]: Invalid value: "cpux": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.limits[cpux]: Invalid value: "cpux": must be a standard resource for containers',
    `spec.containers[0].resources.limits[memory]: Invalid value: "200Mx": ${QTY_MSG}`,
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    // a Pod's requests default to its limits, so the bad name is reported twice, as Kubernetes does
    'spec.containers[0].resources.requests[cpux]: Invalid value: "cpux": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.requests[cpux]: Invalid value: "cpux": must be a standard resource for containers',
    'spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0',
  ]],
  ['securityContext ids, seccomp, sysctls, hostPID + shareProcessNamespace', {
    containers: [app({ securityContext: { runAsUser: -1, procMount: 'Weird', seccompProfile: { type: 'Localhost' }, allowPrivilegeEscalation: false, privileged: true } })],
    securityContext: { fsGroup: -5, sysctls: [{ name: 'Net.Bad', value: '1' }] },
    hostPID: true, shareProcessNamespace: true,
  }, [
    'spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive',
    'spec.containers[0].securityContext.procMount: Unsupported value: "Weird": supported values: "Default", "Unmasked"',
    'spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost',
    'spec.containers[0].securityContext: Invalid value: &core.SecurityContext{...}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
    'spec.securityContext.fsGroup: Invalid value: -5: must be between 0 and 2147483647, inclusive',
    'spec.securityContext.sysctls[0].name: Invalid value: "Net.Bad": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$',
    'spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled',
  ]],
  ['init containers: names shared, probes only on sidecars', {
    initContainers: [{ name: 'app', image: 'busybox', readinessProbe: { exec: { command: ['true'] } } }, { name: 'side', image: 'busybox', restartPolicy: 'Always', startupProbe: { exec: { command: ['true'] } } }],
  }, [
    'spec.initContainers[0].name: Duplicate value: "app"',
    'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
  ]],
  ['probes and lifecycle handlers', { containers: [app({
    livenessProbe: { exec: { command: ['x'] }, tcpSocket: { port: 80 }, successThreshold: 2 },
    readinessProbe: {},
    lifecycle: { preStop: {} },
  })] }, [
    'spec.containers[0].lifecycle.preStop: Required value: must specify a handler type',
    'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.containers[0].readinessProbe: Required value: must specify a handler type',
  ]],
  ['dnsConfig and activeDeadlineSeconds', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', 'x'] }, activeDeadlineSeconds: 0 }, [
    'spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "1.0.0.1", "8.8.8.8", "x"}: must not have more than 3 nameservers',
    'spec.dnsConfig.nameservers[3]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
  ]],
];

for (const [name, spec, want] of cases) {
  test(`pod spec: ${name}`, () => {
    assert.deepEqual(validateObject('Pod', defaultObject('Pod', pod(spec))).map(String), want);
  });
}

test('a volume without a source is required to have one (defaulting makes it an emptyDir first)', () => {
  assert.deepEqual(validatePodSpec({ volumes: [{ name: 'v' }], containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }], restartPolicy: 'Always' }, 'spec').map(String), [
    'spec.volumes[0]: Required value: must specify a volume type',
  ]);
  const d = defaultObject('Pod', pod({ volumes: [{ name: 'v' }] })) as unknown as { spec: { volumes: unknown[] } };
  assert.deepEqual(d.spec.volumes, [{ name: 'v', emptyDir: {} }]);
});

test('defaulting: pull policy by tag, termination message, probes, volume modes, requests from limits, canonical quantities', () => {
  const d = defaultObject('Pod', pod({
    volumes: [{ name: 'c', configMap: { name: 'x' } }, { name: 's', secret: { secretName: 'y' } }, { name: 'h', hostPath: { path: '/x' } }, { name: 'd', downwardAPI: {} }, { name: 'p', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }, { name: 'e', emptyDir: {} }],
    containers: ['nginx', 'nginx:latest', 'nginx:1.27', 'registry:5000/nginx', 'nginx@sha256:abc'].map((image, i) => ({ name: `c${i}`, image, resources: i === 0 ? { limits: { cpu: '1000m', memory: 128 * 1024 * 1024 } } : undefined, readinessProbe: i === 0 ? { httpGet: { port: 80 } } : undefined })),
  })) as unknown as { spec: any };
  assert.deepEqual(d.spec.containers.map((c: any) => c.imagePullPolicy), ['Always', 'Always', 'IfNotPresent', 'Always', 'IfNotPresent']);
  const c0 = d.spec.containers[0];
  assert.equal(c0.terminationMessagePath, '/dev/termination-log');
  assert.equal(c0.terminationMessagePolicy, 'File');
  assert.deepEqual(c0.readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  // A JSON number is a DecimalSI quantity: it keeps its decimal form.
  assert.deepEqual(c0.resources, { limits: { cpu: '1', memory: '134217728' }, requests: { cpu: '1', memory: '134217728' } });
  assert.equal(c0.securityContext, undefined);
  assert.deepEqual(d.spec.volumes, [
    { name: 'c', configMap: { name: 'x', defaultMode: 420 } },
    { name: 's', secret: { secretName: 'y', defaultMode: 420 } },
    { name: 'h', hostPath: { path: '/x', type: '' } },
    { name: 'd', downwardAPI: { defaultMode: 420 } },
    { name: 'p', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }], defaultMode: 420 } },
    { name: 'e', emptyDir: {} },
  ]);
  assert.equal(d.spec.schedulerName, 'default-scheduler');
  assert.equal(d.spec.dnsPolicy, 'ClusterFirst');
  // Templates get no requests from limits (SetDefaults_Pod only).
  const dep = defaultObject('Deployment', { metadata: { name: 'x', namespace: 'd' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1' } } }] } } } } as unknown as KubeObject) as any;
  assert.deepEqual(dep.spec.template.spec.containers[0].resources, { limits: { cpu: '1' } });
});
