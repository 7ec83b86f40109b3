// Strict decoding: unknown fields by mode, Go's type error wording, patch directives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@svcnet/api-types';
import { decodeObject, parseFieldValidation, unknownFieldWarnings } from './strict-decoding';

const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', labels: { a: 'b' } }, spec: { ports: [{ port: 80, targetPort: 'http', prot: 1 }], sepc2: true }, sepc: {} };

function badRequest(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.reason, 'BadRequest');
    assert.equal(e.code, 400);
    assert.equal(e.message, message);
    return true;
  });
}

test('Strict refuses unknown fields with their full paths, in document order', () => {
  badRequest(() => decodeObject('Service', 'v1', svc, 'Strict'), 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].prot", unknown field "spec.sepc2", unknown field "sepc"');
  badRequest(
    () => decodeObject('Deployment', 'apps/v1', { spec: { template: { spec: { containers: [{ name: 'a', imagee: 'x' }] } } } }, 'Strict'),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagee"',
  );
});

test('Warn and Ignore drop unknown fields and report them', () => {
  for (const mode of ['Warn', 'Ignore'] as const) {
    const r = decodeObject('Service', 'v1', svc, mode);
    assert.deepEqual(r.unknownFields, ['spec.ports[0].prot', 'spec.sepc2', 'sepc']);
    assert.deepEqual(r.object, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', labels: { a: 'b' } }, spec: { ports: [{ port: 80, targetPort: 'http' }] } });
  }
  assert.deepEqual(unknownFieldWarnings(['sepc']), ['299 - "unknown field \\"sepc\\""']);
});

test('wrong types are refused in every mode with encoding/json wording', () => {
  for (const mode of ['Strict', 'Ignore'] as const) {
    badRequest(() => decodeObject('Service', 'v1', { spec: { ports: [{ port: '80' }] } }, mode), 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32');
  }
  badRequest(() => decodeObject('Service', 'v1', { metadata: { labels: { a: 1 } } }, 'Strict'), 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  badRequest(() => decodeObject('Service', 'v1', { spec: { ports: { port: 1 } } }, 'Strict'), 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort');
  badRequest(() => decodeObject('Deployment', 'apps/v1', { spec: { replicas: 1.5 } }, 'Strict'), 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
  badRequest(() => decodeObject('Service', 'v1', { spec: { ports: [{ targetPort: true }] } }, 'Strict'), 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type intstr.IntOrString');
  badRequest(() => decodeObject('Service', 'v1', [1], 'Strict'), 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal array into Go value of type v1.Service');
});

test('nulls, open sub-structures and strategic-merge directives pass', () => {
  const r = decodeObject('Deployment', 'apps/v1', { metadata: { creationTimestamp: null }, spec: { template: { spec: { volumes: [{ name: 'v', emptyDir: {} }], containers: [{ name: 'a', resources: {}, securityContext: { runAsUser: 1 } }] } } }, status: {} }, 'Strict');
  assert.deepEqual(r.unknownFields, []);
  const p = decodeObject('Service', 'v1', { spec: { $setElementOrder: 1, ports: [{ port: 80, $patch: 'delete' }] }, metadata: { labels: { gone: null } } }, 'Strict', { patch: true });
  assert.deepEqual(p.object, { spec: { $setElementOrder: 1, ports: [{ port: 80, $patch: 'delete' }] }, metadata: { labels: { gone: null } } });
  badRequest(() => decodeObject('Service', 'v1', { spec: { $x: 1 } }, 'Strict'), 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.$x"');
});

test('fieldValidation values', () => {
  assert.equal(parseFieldValidation('Strict'), 'Strict');
  assert.equal(parseFieldValidation(null), 'Ignore');
  assert.throws(() => parseFieldValidation('strict'), /fieldValidation must be one of "Ignore", "Warn", or "Strict", got "strict"/);
});

test('pod volumes, mounts, env sources, securityContext and probes are known fields with Go types', () => {
  const pod = {
    spec: {
      volumes: [{ name: 'v', configMap: { name: 'c', items: [{ key: 'k', path: 'p', mdoe: 1 }] } }, { name: 'w', emptyDir: { sizeLimit: '1Gi' } }],
      initContainers: [{ name: 'i', image: 'x', securityContext: { capabilities: { add: ['NET_ADMIN'], dorp: [] } } }],
      containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/x', readonly: true }], envFrom: [{ configMapRef: { name: 'c' } }], startupProbe: { grpc: { port: 1, srvice: '' } } }],
      securityContext: { fsGroup: 1, seccompProfile: { type: 'RuntimeDefault' } }, dnsConfig: { options: [{ name: 'ndots', value: '2' }] }, imagePullSecrets: [{ name: 'r' }],
    },
  };
  badRequest(() => decodeObject('Pod', 'v1', pod, 'Strict'), 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.volumes[0].configMap.items[0].mdoe", unknown field "spec.initContainers[0].securityContext.capabilities.dorp", unknown field "spec.containers[0].volumeMounts[0].readonly", unknown field "spec.containers[0].startupProbe.grpc.srvice"');
  badRequest(() => decodeObject('Pod', 'v1', { spec: { securityContext: { runAsUser: '0' } } }, 'Strict'), 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSecurityContext.spec.securityContext.runAsUser of type int64');
  badRequest(() => decodeObject('Pod', 'v1', { spec: { containers: [{ resources: { limits: { memory: '200Mx' } } }] } }, 'Strict'), `Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
});

test('ConfigMap and Secret: []byte values must be base64', () => {
  assert.deepEqual(decodeObject('Secret', 'v1', { data: { a: 'eA==' }, stringData: { b: 'x' }, type: 'Opaque' }, 'Strict').object, { data: { a: 'eA==' }, stringData: { b: 'x' }, type: 'Opaque' });
  badRequest(() => decodeObject('Secret', 'v1', { data: { a: 'not base64!' } }, 'Strict'), 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
  badRequest(() => decodeObject('ConfigMap', 'v1', { binaryData: { a: 1 } }, 'Strict'), 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.binaryData of type []uint8');
  badRequest(() => decodeObject('ConfigMap', 'v1', { data: { a: 'x' }, dta: {} }, 'Strict'), 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta"');
});
