// The svcnet context in a user's kubeconfig: merged beside other contexts, replaced on a second
// `up`, removed on `down` leaving the others, and the file written 0600 in a 0700 ~/.kube.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { mergeKubeconfig, removeFromKubeconfig, svcnetKubeconfig } from './kubeconfig';
import { installKubeconfig, kubeconfigTarget, uninstallKubeconfig } from './kubeconfig-file';

const ADMIN = `apiVersion: v1
kind: Config
clusters:
- name: svcnet
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Q0E=
users:
- name: kubernetes-admin
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
contexts:
- name: kubernetes-admin@svcnet
  context:
    cluster: svcnet
    user: kubernetes-admin
current-context: kubernetes-admin@svcnet
preferences: {}
`;

const OTHER = `apiVersion: v1
kind: Config
clusters:
- name: kind-kind
  cluster:
    server: https://127.0.0.1:40000
users:
- name: kind-kind
  user:
    token: abc
contexts:
- name: kind-kind
  context:
    cluster: kind-kind
    user: kind-kind
    namespace: dev
current-context: kind-kind
preferences:
  colors: true
`;

test('svcnetKubeconfig: the admin credentials under the name svcnet, server overridable', () => {
  const k = svcnetKubeconfig(ADMIN, 'https://127.0.0.1:7443');
  assert.deepEqual(k.clusters, [{ name: 'svcnet', cluster: { server: 'https://127.0.0.1:7443', 'certificate-authority-data': 'Q0E=' } }]);
  assert.deepEqual(k.users, [{ name: 'svcnet', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } }]);
  assert.deepEqual(k.contexts, [{ name: 'svcnet', context: { cluster: 'svcnet', user: 'svcnet' } }]);
  assert.equal(k['current-context'], 'svcnet');
  assert.equal((svcnetKubeconfig(ADMIN).clusters![0].cluster as { server: string }).server, 'https://127.0.0.1:6443');
});

test('mergeKubeconfig into an empty or missing file: a complete config with svcnet current', () => {
  for (const existing of [undefined, '', '\n']) {
    const r = mergeKubeconfig(existing, svcnetKubeconfig(ADMIN));
    const doc = parse(r.text);
    assert.equal(r.previousContext, '');
    assert.equal(doc.apiVersion, 'v1');
    assert.equal(doc.kind, 'Config');
    assert.equal(doc['current-context'], 'svcnet');
    assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name), ['svcnet']);
  }
});

test('mergeKubeconfig keeps other contexts and fields, sets current-context like kind, reports the old one', () => {
  const r = mergeKubeconfig(OTHER, svcnetKubeconfig(ADMIN));
  const doc = parse(r.text);
  assert.equal(r.previousContext, 'kind-kind');
  assert.equal(doc['current-context'], 'svcnet');
  assert.deepEqual(doc.clusters.map((c: { name: string }) => c.name), ['kind-kind', 'svcnet']);
  assert.deepEqual(doc.users.map((c: { name: string }) => c.name), ['kind-kind', 'svcnet']);
  assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name), ['kind-kind', 'svcnet']);
  assert.equal(doc.contexts[0].context.namespace, 'dev');
  assert.deepEqual(doc.preferences, { colors: true });
});

test('mergeKubeconfig twice replaces the svcnet entries instead of duplicating them', () => {
  const once = mergeKubeconfig(OTHER, svcnetKubeconfig(ADMIN, 'https://127.0.0.1:1111')).text;
  const twice = parse(mergeKubeconfig(once, svcnetKubeconfig(ADMIN, 'https://127.0.0.1:2222')).text);
  assert.equal(twice.clusters.length, 2);
  assert.equal(twice.users.length, 2);
  assert.equal(twice.contexts.length, 2);
  assert.equal(twice.clusters[1].cluster.server, 'https://127.0.0.1:2222');
});

test('removeFromKubeconfig removes cluster, user and context svcnet, unsets current-context only if svcnet', () => {
  const merged = mergeKubeconfig(OTHER, svcnetKubeconfig(ADMIN)).text;
  const r = removeFromKubeconfig(merged);
  const doc = parse(r.text);
  assert.equal(r.changed, true);
  assert.deepEqual(doc.clusters.map((c: { name: string }) => c.name), ['kind-kind']);
  assert.deepEqual(doc.users.map((c: { name: string }) => c.name), ['kind-kind']);
  assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name), ['kind-kind']);
  assert.equal(doc['current-context'], undefined);

  // current-context switched back to another cluster by the user: left alone
  const switched = merged.replace('current-context: svcnet', 'current-context: kind-kind');
  assert.equal(parse(removeFromKubeconfig(switched).text)['current-context'], 'kind-kind');

  // nothing of svcnet in it: unchanged, byte for byte
  assert.deepEqual(removeFromKubeconfig(OTHER), { text: OTHER, changed: false });
});

test('kubeconfigTarget: SUDO_USER home from passwd, --kubeconfig wins, SVCNET_NO_KUBECONFIG=1 disables', () => {
  const lookup = (name: string) => ({ name, uid: 1234, gid: 5678, home: `/home/${name}` });
  assert.deepEqual(kubeconfigTarget('', { SUDO_USER: 'alice', HOME: '/root' }, lookup), { file: '/home/alice/.kube/config', uid: 1234, gid: 5678, user: 'alice' });
  assert.equal(kubeconfigTarget('/tmp/x/kc', { SUDO_USER: 'alice' }, lookup)!.file, '/tmp/x/kc');
  assert.equal(kubeconfigTarget('', { SVCNET_NO_KUBECONFIG: '1', SUDO_USER: 'alice' }, lookup), undefined);
  const self = kubeconfigTarget('', {}, lookup)!;
  assert.equal(self.file, path.join(os.userInfo().homedir, '.kube', 'config'));
  assert.equal(self.uid, os.userInfo().uid);
});

test('installKubeconfig / uninstallKubeconfig: 0700 dir, 0600 file, other contexts kept', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-kc-'));
  try {
    const file = path.join(dir, '.kube', 'config');
    const t = { file, uid: os.userInfo().uid, gid: os.userInfo().gid, user: os.userInfo().username };
    assert.equal(uninstallKubeconfig(t), false);
    assert.deepEqual(installKubeconfig(t, svcnetKubeconfig(ADMIN)), { previousContext: '' });
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(parse(fs.readFileSync(file, 'utf8'))['current-context'], 'svcnet');

    fs.writeFileSync(file, OTHER);
    fs.chmodSync(file, 0o644);
    assert.deepEqual(installKubeconfig(t, svcnetKubeconfig(ADMIN)), { previousContext: 'kind-kind' });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(uninstallKubeconfig(t), true);
    const doc = parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name), ['kind-kind']);
    assert.equal(uninstallKubeconfig(t), false);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['config']);

    // a home directory that does not exist is not made up
    assert.throws(() => installKubeconfig({ ...t, file: path.join(dir, 'nonexistent', '.kube', 'config') }, svcnetKubeconfig(ADMIN)), /does not exist/);
    assert.equal(fs.existsSync(path.join(dir, 'nonexistent')), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
