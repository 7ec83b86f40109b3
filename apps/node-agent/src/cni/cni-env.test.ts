import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCniEnv } from './cni-env';
import { CniError } from './cni-errors';

const add = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'abc123', CNI_NETNS: '/var/run/netns/cni-1', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin:/usr/lib/cni' };
const code4 = (e: unknown) => e instanceof CniError && e.code === 4;

test('parses an ADD environment', () => {
  assert.deepEqual(parseCniEnv(add), { command: 'ADD', containerId: 'abc123', netns: '/var/run/netns/cni-1', ifname: 'eth0', path: ['/opt/cni/bin', '/usr/lib/cni'] });
});

test('VERSION needs nothing else; DEL may lack the netns', () => {
  assert.equal(parseCniEnv({ CNI_COMMAND: 'VERSION' }).command, 'VERSION');
  assert.equal(parseCniEnv({ ...add, CNI_COMMAND: 'DEL', CNI_NETNS: '' }).netns, '');
});

test('bad environments are code 4 and name the variable', () => {
  assert.throws(() => parseCniEnv({ ...add, CNI_COMMAND: 'GC' }), (e) => code4(e) && /CNI_COMMAND/.test((e as Error).message));
  assert.throws(() => parseCniEnv({ ...add, CNI_CONTAINERID: '' }), (e) => code4(e) && /CNI_CONTAINERID/.test((e as Error).message));
  assert.throws(() => parseCniEnv({ ...add, CNI_CONTAINERID: '../x' }), code4);
  assert.throws(() => parseCniEnv({ ...add, CNI_IFNAME: 'a/b' }), (e) => code4(e) && /CNI_IFNAME/.test((e as Error).message));
  assert.throws(() => parseCniEnv({ ...add, CNI_IFNAME: 'x'.repeat(16) }), code4);
  assert.throws(() => parseCniEnv({ ...add, CNI_NETNS: '' }), (e) => code4(e) && /CNI_NETNS/.test((e as Error).message));
  assert.throws(() => parseCniEnv({ ...add, CNI_COMMAND: 'CHECK', CNI_NETNS: 'rel' }), code4);
});
