import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@svcnet/api-types';
import { defaultObject, validateObject } from './validate-object';

const container = { name: 'app', image: 'nginx' };
const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [container] } });

const cases: [string, string, unknown, string[]][] = [
  ['namespace name is a DNS-1123 label', 'Namespace', { metadata: { name: 'a.b' } }, [
    `metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
  ]],
  ['name required', 'Node', { metadata: {} }, ['metadata.name: Required value: name or generateName is required']],
  ['pod needs containers', 'Pod', { metadata: { name: 'p', namespace: 'd' }, spec: { containers: [] } }, ['spec.containers: Required value']],
  ['pod container rules', 'Pod', { metadata: { name: 'p', namespace: 'd' }, spec: { containers: [{ name: 'app', ports: [{ containerPort: 70000 }] }, { name: 'app', image: 'x' }], restartPolicy: 'Sometimes' } }, [
    'spec.containers[0].image: Required value',
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[1].name: Duplicate value: "app"',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]],
  ['deployment selector must match template', 'Deployment', { metadata: { name: 'd', namespace: 'n' }, spec: { selector: { matchLabels: { app: 'a' } }, template: template({ app: 'b' }) } }, [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
  ]],
  ['replicaset selector required, replicas >= 0', 'ReplicaSet', { metadata: { name: 'r', namespace: 'n' }, spec: { replicas: -1, template: template({ app: 'a' }) } }, [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.selector: Required value',
  ]],
  ['endpoints ips and ports', 'Endpoints', { metadata: { name: 'e', namespace: 'n' }, subsets: [{ addresses: [{ ip: 'x' }], ports: [{ port: 80, name: 'a' }, { port: 81, name: 'a' }] }] }, [
    'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'subsets[0].ports[1].name: Duplicate value: "a"',
  ]],
  ['endpointslice address type', 'EndpointSlice', { metadata: { name: 's', namespace: 'n' }, addressType: 'IPv4', endpoints: [{ addresses: ['::1'] }], ports: [{ port: 0 }] }, [
    'endpoints[0].addresses[0]: Invalid value: "::1": must be a valid IPv4 address',
    'ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]],
  ['event involvedObject', 'Event', { metadata: { name: 'ev', namespace: 'n' } }, ['involvedObject: Required value']],
];

for (const [name, kind, obj, want] of cases) {
  test(`validateObject ${kind}: ${name}`, () => {
    const defaulted = defaultObject(kind, obj as KubeObject);
    assert.deepEqual(validateObject(kind, defaulted).map(String), want);
  });
}

test('deployment selector is immutable on update', () => {
  const old = defaultObject('Deployment', { metadata: { name: 'd', namespace: 'n' }, spec: { selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a', v: '2' }) } } as KubeObject);
  const next = structuredClone(old) as KubeObject & { spec: { selector: { matchLabels: Record<string, string> } } };
  next.spec.selector.matchLabels = { app: 'a', v: '2' };
  assert.deepEqual(validateObject('Deployment', next, old).map(String), [
    'spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string{"app":"a", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
});
