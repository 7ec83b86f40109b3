import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, type JsonPatchOperation } from './json-patch';
import { PatchError } from './patch-error';

const doc = { metadata: { labels: { app: 'web' } }, spec: { ports: [{ port: 80 }, { port: 443 }] } };

const ok: [string, JsonPatchOperation[], unknown][] = [
  ['add member', [{ op: 'add', path: '/metadata/labels/tier', value: 'fe' }], { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: doc.spec }],
  ['add to end with -', [{ op: 'add', path: '/spec/ports/-', value: { port: 8080 } }], { ...doc, spec: { ports: [{ port: 80 }, { port: 443 }, { port: 8080 }] } }],
  ['add inserts at index', [{ op: 'add', path: '/spec/ports/0', value: { port: 1 } }], { ...doc, spec: { ports: [{ port: 1 }, { port: 80 }, { port: 443 }] } }],
  ['remove', [{ op: 'remove', path: '/spec/ports/0' }], { ...doc, spec: { ports: [{ port: 443 }] } }],
  ['replace', [{ op: 'replace', path: '/spec/ports/1/port', value: 8443 }], { ...doc, spec: { ports: [{ port: 80 }, { port: 8443 }] } }],
  ['move', [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/name' }], { ...doc, metadata: { labels: { name: 'web' } } }],
  ['copy', [{ op: 'copy', from: '/spec/ports/0', path: '/spec/ports/-' }], { ...doc, spec: { ports: [{ port: 80 }, { port: 443 }, { port: 80 }] } }],
  ['test then replace', [{ op: 'test', path: '/metadata/labels/app', value: 'web' }, { op: 'replace', path: '/metadata/labels/app', value: 'api' }], { ...doc, metadata: { labels: { app: 'api' } } }],
  ['escaped pointer', [{ op: 'add', path: '/metadata/labels/a~1b~0c', value: 'x' }], { ...doc, metadata: { labels: { app: 'web', 'a/b~c': 'x' } } }],
  ['replace root', [{ op: 'replace', path: '', value: { a: 1 } }], { a: 1 }],
];

for (const [name, ops, want] of ok) {
  test(`json patch: ${name}`, () => assert.deepEqual(applyJsonPatch(doc, ops), want));
}

const bad: [string, JsonPatchOperation[], RegExp][] = [
  ['remove missing', [{ op: 'remove', path: '/spec/missing' }], /does not exist/],
  ['replace missing', [{ op: 'replace', path: '/metadata/name', value: 'x' }], /does not exist/],
  ['index out of bounds', [{ op: 'add', path: '/spec/ports/5', value: {} }], /out of bounds/],
  ['bad index', [{ op: 'remove', path: '/spec/ports/x' }], /invalid array index/],
  ['missing parent', [{ op: 'add', path: '/a/b/c', value: 1 }], /does not exist/],
  ['test fails', [{ op: 'test', path: '/metadata/labels/app', value: 'api' }], /test failed/],
  ['bad pointer', [{ op: 'add', path: 'spec', value: 1 }], /must start with/],
  ['move into child', [{ op: 'move', from: '/spec', path: '/spec/x' }], /own child/],
  ['unknown op', [{ op: 'frob', path: '/' } as unknown as JsonPatchOperation], /unsupported operation/],
];

test('bad operations throw PatchError and leave the input alone', () => {
  const snapshot = JSON.stringify(doc);
  for (const [name, ops, message] of bad) {
    assert.throws(() => applyJsonPatch(doc, ops), (e: unknown) => e instanceof PatchError && message.test(e.message), name);
  }
  assert.equal(JSON.stringify(doc), snapshot);
});
