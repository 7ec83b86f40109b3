// ConfigMap and Secret rules, word for word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@svcnet/api-types';
import { defaultObject, validateObject } from './validate-object';

const KEY_MSG = `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`;
const meta = { name: 'x', namespace: 'd' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const big = 'a'.repeat(1024 * 1024);

const cases: [string, string, Record<string, unknown>, string[]][] = [
  ['valid ConfigMap', 'ConfigMap', { data: { 'a.b_C-1': 'x' }, binaryData: { bin: 'AAE=' } }, []],
  ['bad keys', 'ConfigMap', { data: { 'foo bar': 'x', '..x': 'y' } }, [`data[..x]: Invalid value: "..x": must not start with '..'`, `data[foo bar]: Invalid value: "foo bar": ${KEY_MSG}`]],
  ['key in data and binaryData', 'ConfigMap', { data: { k: 'x' }, binaryData: { k: 'eA==' } }, [
    'data[k]: Invalid value: "k": duplicate of key present in binaryData',
    'binaryData[k]: Invalid value: "k": duplicate of key present in data',
  ]],
  ['ConfigMap too large', 'ConfigMap', { data: { a: big, b: 'x' } }, ['[]: Too long: may not be more than 1048576 bytes']],
  ['valid Secret, type defaulted', 'Secret', { data: { a: b64('x') }, stringData: { b: 'y' } }, []],
  ['Secret too large', 'Secret', { stringData: { a: big, b: 'x' } }, ['data: Too long: may not be more than 1048576 bytes']],
  ['tls needs both keys', 'Secret', { type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'x' } }, ['data[tls.key]: Required value']],
  ['dockerconfigjson needs its key', 'Secret', { type: 'kubernetes.io/dockerconfigjson', data: {} }, ['data[.dockerconfigjson]: Required value']],
  ['dockerconfigjson must be JSON', 'Secret', { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': 'x' } }, [
    `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'x' looking for beginning of value`,
  ]],
  ['service-account-token needs the account name', 'Secret', { type: 'kubernetes.io/service-account-token' }, ['metadata.annotations[kubernetes.io/service-account.name]: Required value']],
  ['basic-auth needs username or password', 'Secret', { type: 'kubernetes.io/basic-auth' }, ['data[username]: Required value', 'data[password]: Required value']],
];

for (const [name, kind, body, want] of cases) {
  test(`${kind}: ${name}`, () => {
    assert.deepEqual(validateObject(kind, defaultObject(kind, { metadata: meta, ...body } as KubeObject)).map(String), want);
  });
}

test('Secret defaulting: Opaque, stringData merged into data (and wins), then dropped', () => {
  assert.deepEqual(defaultObject('Secret', { metadata: meta, data: { a: b64('old'), b: b64('keep') }, stringData: { a: 'new' } } as KubeObject), {
    metadata: meta, type: 'Opaque', data: { a: b64('new'), b: b64('keep') },
  });
});

test('immutable ConfigMap and Secret: data, binaryData and immutable may not change; type may never change', () => {
  const cm = { metadata: meta, data: { a: '1' }, immutable: true } as KubeObject;
  assert.deepEqual(validateObject('ConfigMap', { ...cm, data: { a: '2' }, binaryData: { b: 'AA==' }, immutable: false } as KubeObject, cm).map(String), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
    'binaryData: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(validateObject('ConfigMap', { ...cm, metadata: { ...meta, labels: { a: 'b' } } } as KubeObject, cm).map(String), []);
  const s = defaultObject('Secret', { metadata: meta, stringData: { a: '1' }, immutable: true } as KubeObject);
  const next = defaultObject('Secret', { ...s, stringData: { a: '2' }, type: 'kubernetes.io/tls' } as KubeObject);
  assert.deepEqual(validateObject('Secret', next, s).map(String), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
    'data[tls.crt]: Required value',
    'data[tls.key]: Required value',
  ]);
});
