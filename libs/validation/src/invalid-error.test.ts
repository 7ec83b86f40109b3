import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldError } from './field-error';
import { invalidError } from './invalid-error';

const nodePort = FieldError.invalid('spec.ports[0].nodePort', 8888, 'provided port is not in the valid range. The range of valid ports is 30000-32767');

test('FieldError formats like Go field.Error', () => {
  const cases: [FieldError, string][] = [
    [nodePort, 'spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767'],
    [FieldError.required('spec.ports'), 'spec.ports: Required value'],
    [FieldError.duplicate('spec.ports[1].name', 'http'), 'spec.ports[1].name: Duplicate value: "http"'],
    [FieldError.notSupported('spec.type', 'Foo', ['ClusterIP', 'NodePort']), 'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "NodePort"'],
    [FieldError.forbidden('spec.x', 'nope'), 'spec.x: Forbidden: nope'],
    [FieldError.invalid('spec.clusterIPs[0]', ['10.0.0.1'], 'may not change once set'), 'spec.clusterIPs[0]: Invalid value: []string{"10.0.0.1"}: may not change once set'],
    [FieldError.invalid('l', { b: '2', a: '1' }, 'd'), 'l: Invalid value: map[string]string{"a":"1", "b":"2"}: d'],
    [FieldError.tooMany('endpoints[0].addresses', 2, 1), 'endpoints[0].addresses: Too many: 2: must have at most 1 items'],
    [FieldError.tooLong('metadata.annotations', 262144), 'metadata.annotations: Too long: may not be more than 262144 bytes'],
  ];
  for (const [err, want] of cases) assert.equal(String(err), want);
});

test('invalidError with one error', () => {
  const e = invalidError('Service', 'sample-nodeport-fail', [nodePort]);
  assert.equal(e.reason, 'Invalid');
  assert.equal(e.code, 422);
  assert.equal(e.message, 'Service "sample-nodeport-fail" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767');
  assert.deepEqual(e.details, {
    name: 'sample-nodeport-fail',
    group: '',
    kind: 'Service',
    causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767', field: 'spec.ports[0].nodePort' }],
  });
});

test('invalidError with several errors and a group', () => {
  const e = invalidError('Deployment', 'd', [FieldError.required('spec.selector'), FieldError.required('spec.template')], 'apps');
  assert.equal(e.message, 'Deployment.apps "d" is invalid: [spec.selector: Required value, spec.template: Required value]');
  assert.deepEqual(e.details?.causes?.map((c) => c.reason), ['FieldValueRequired', 'FieldValueRequired']);
});
