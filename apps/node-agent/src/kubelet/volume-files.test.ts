import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Pod, Secret, Volume } from '@svcnet/api-types';
import type { EnvSources } from './container-env';
import { VolumeSetupError, invalidPathReason, isSafeRelativePath, volumeFiles, type VolumeFile } from './volume-files';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const pod: Pod = {
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { tier: 'front', app: 'web' }, annotations: { note: 'say "hi"\nbye' } },
  spec: { containers: [{ name: 'app', resources: { limits: { cpu: '500m', memory: '64Mi' } } }] },
};
const cm = { metadata: { name: 'cfg', namespace: 'shop' }, data: { 'a.conf': 'A', 'b.conf': 'B' }, binaryData: { 'logo.bin': b64('\x00\x01') } } as ConfigMap;
const sec = { metadata: { name: 'tls', namespace: 'shop' }, data: { 'tls.crt': b64('CERT'), 'tls.key': b64('KEY') } } as Secret;
const src: EnvSources = {
  configMap: (ns, n) => (ns === 'shop' && n === 'cfg' ? cm : undefined),
  secret: (ns, n) => (ns === 'shop' && n === 'tls' ? sec : undefined),
  nodeAllocatable: { cpu: 2, memory: 2 ** 30 },
};
const files = (v: Volume) => (volumeFiles(pod, v, { podIP: '10.0.0.5' }, src) ?? []).map((f: VolumeFile) => [f.path, f.content.toString('utf8'), f.mode.toString(8)]).sort();

test('configMap volumes: all keys, items, modes, optional and missing', () => {
  const cases: [string, Volume['configMap'], (string | undefined)[][]][] = [
    ['all keys incl. binaryData, 0644', { name: 'cfg' }, [['a.conf', 'A', '644'], ['b.conf', 'B', '644'], ['logo.bin', '\x00\x01', '644']]],
    ['defaultMode', { name: 'cfg', defaultMode: 0o400 }, [['a.conf', 'A', '400'], ['b.conf', 'B', '400'], ['logo.bin', '\x00\x01', '400']]],
    ['items with own mode', { name: 'cfg', defaultMode: 0o440, items: [{ key: 'a.conf', path: 'conf/a', mode: 0o600 }, { key: 'b.conf', path: 'b' }] }, [['b', 'B', '440'], ['conf/a', 'A', '600']]],
    ['optional item missing is left out', { name: 'cfg', optional: true, items: [{ key: 'nope', path: 'x' }, { key: 'a.conf', path: 'a' }] }, [['a', 'A', '644']]],
    ['optional configmap missing is empty', { name: 'absent', optional: true }, []],
  ];
  for (const [name, source, want] of cases) assert.deepEqual(files({ name: 'v', configMap: source }), want, name);
  const errs: [Volume['configMap'], string][] = [
    [{ name: 'absent' }, 'configmap "absent" not found'],
    [{ name: 'cfg', items: [{ key: 'nope', path: 'x' }] }, 'configmap references non-existent config key: nope'],
  ];
  for (const [source, msg] of errs) assert.throws(() => files({ name: 'v', configMap: source }), (e: unknown) => e instanceof VolumeSetupError && e.message === msg, msg);
});

test('secret volumes decode base64 data', () => {
  assert.deepEqual(files({ name: 'v', secret: { secretName: 'tls' } }), [['tls.crt', 'CERT', '644'], ['tls.key', 'KEY', '644']]);
  assert.deepEqual(files({ name: 'v', secret: { secretName: 'tls', defaultMode: 0o400, items: [{ key: 'tls.key', path: 'private/key' }] } }), [['private/key', 'KEY', '400']]);
  assert.deepEqual(files({ name: 'v', secret: { secretName: 'absent', optional: true } }), []);
  const errs: [Volume['secret'], string][] = [
    [{ secretName: 'absent' }, 'secret "absent" not found'],
    [{ secretName: 'tls', items: [{ key: 'ca.crt', path: 'ca' }] }, 'references non-existent secret key: ca.crt'],
  ];
  for (const [source, msg] of errs) assert.throws(() => files({ name: 'v', secret: source }), (e: unknown) => e instanceof VolumeSetupError && e.message === msg, msg);
});

test('downwardAPI volumes: labels/annotations files as sorted key="value" lines, fields, resources', () => {
  const got = files({
    name: 'podinfo',
    downwardAPI: {
      items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        { path: './name', fieldRef: { fieldPath: 'metadata.name' }, mode: 0o400 },
        { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
        { path: 'cpu_limit', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } },
        { path: 'mem_limit', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } },
      ],
    },
  });
  assert.deepEqual(got, [
    ['annotations', 'note="say \\"hi\\"\\nbye"', '644'],
    ['cpu_limit', '500', '644'],
    ['labels', 'app="web"\ntier="front"', '644'],
    ['mem_limit', '64', '644'],
    ['name', 'web-1', '400'],
    ['tier', 'front', '644'],
  ]);
});

test('projected volumes combine sources with the projected defaultMode; a later source wins a path', () => {
  const got = files({
    name: 'all',
    projected: {
      defaultMode: 0o440,
      sources: [
        { configMap: { name: 'cfg', items: [{ key: 'a.conf', path: 'same' }, { key: 'b.conf', path: 'b' }] } },
        { secret: { name: 'tls', items: [{ key: 'tls.crt', path: 'same' }] } },
        { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
        { secret: { name: 'absent', optional: true } },
      ],
    },
  });
  assert.deepEqual(got, [['b', 'B', '440'], ['ns', 'shop', '440'], ['same', 'CERT', '440']]);
  assert.throws(() => files({ name: 'p', projected: { sources: [{ configMap: { name: 'absent' } }] } }), /configmap "absent" not found/);
  assert.equal(volumeFiles(pod, { name: 'e', emptyDir: {} }, {}, src), undefined);
});

test('isSafeRelativePath / invalidPathReason as AtomicWriter validatePath', () => {
  const cases: [string, string | undefined][] = [
    ['a', undefined],
    ['a/b/c', undefined],
    ['b..', undefined],
    ['a/..b', undefined],
    ['.hidden', undefined],
    ['', 'invalid path: must not be empty: ""'],
    ['/etc/passwd', 'invalid path: must be relative path: /etc/passwd'],
    ['..', "invalid path: must not contain '..': .."],
    ['a/../b', "invalid path: must not contain '..': a/../b"],
    ['..data', "invalid path: must not start with '..': ..data"],
    ['..2024_01_01/x', "invalid path: must not start with '..': ..2024_01_01/x"],
    ['x'.repeat(256), 'invalid path: filenames must be less than or equal to 255 characters'],
    [`${'d/'.repeat(2049)}f`, 'invalid path: must be less than or equal to 4096 characters'],
  ];
  for (const [p, want] of cases) {
    assert.equal(invalidPathReason(p), want, p.slice(0, 40));
    assert.equal(isSafeRelativePath(p), want === undefined, p.slice(0, 40));
  }
});
