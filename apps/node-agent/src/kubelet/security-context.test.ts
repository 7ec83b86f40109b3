import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '@svcnet/api-types';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, containerSecurityContext, seccompProfile, verifyRunAsNonRoot } from './security-context';

const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1' }, spec: { containers: [], ...spec } });
const ctr = (securityContext?: Container['securityContext']): Container => ({ name: 'app', securityContext });

test('masked and read-only /proc paths unless privileged or procMount Unmasked', () => {
  const cases: [string, Container['securityContext'], boolean][] = [
    ['default', undefined, true],
    ['unprivileged', { privileged: false }, true],
    ['privileged', { privileged: true }, false],
    ['procMount Default', { procMount: 'Default' }, true],
    ['procMount Unmasked', { procMount: 'Unmasked' }, false],
  ];
  for (const [name, sc, masked] of cases) {
    const r = containerSecurityContext(pod(), ctr(sc));
    assert.deepEqual(r.maskedPaths, masked ? DEFAULT_MASKED_PATHS : [], name);
    assert.deepEqual(r.readonlyPaths, masked ? DEFAULT_READONLY_PATHS : [], name);
  }
  assert.ok(DEFAULT_MASKED_PATHS.includes('/proc/kcore') && DEFAULT_MASKED_PATHS.includes('/sys/firmware'));
  assert.ok(DEFAULT_READONLY_PATHS.includes('/proc/sys') && DEFAULT_READONLY_PATHS.includes('/proc/sysrq-trigger'));
});

test('container fields win over pod fields; groups are fsGroup then supplementalGroups', () => {
  const p = pod({ securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000, 5000] } });
  const cases: [string, Container['securityContext'], { user?: number; group?: number }][] = [
    ['pod values', undefined, { user: 1000, group: 3000 }],
    ['container values', { runAsUser: 0, runAsGroup: 7 }, { user: 0, group: 7 }],
    ['container user only', { runAsUser: 42 }, { user: 42, group: 3000 }],
  ];
  for (const [name, sc, want] of cases) {
    const r = containerSecurityContext(p, ctr(sc));
    assert.deepEqual(r.runAsUser, { value: want.user }, name);
    assert.deepEqual(r.runAsGroup, { value: want.group }, name);
    assert.deepEqual(r.supplementalGroups, [2000, 4000, 5000], name);
  }
  const none = containerSecurityContext(pod(), ctr());
  assert.equal(none.runAsUser, undefined);
  assert.equal(none.runAsGroup, undefined);
  assert.deepEqual(none.supplementalGroups, []);
});

test('noNewPrivs only from allowPrivilegeEscalation: false; capabilities, readonly rootfs, namespaces', () => {
  const cases: [Container['securityContext'], boolean][] = [
    [undefined, false],
    [{ allowPrivilegeEscalation: true }, false],
    [{ allowPrivilegeEscalation: false }, true],
  ];
  for (const [sc, want] of cases) assert.equal(containerSecurityContext(pod(), ctr(sc)).noNewPrivs, want, JSON.stringify(sc));
  const r = containerSecurityContext(pod({ hostPID: true, hostIPC: true }), ctr({ capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true }));
  assert.deepEqual(r.capabilities, { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] });
  assert.equal(r.readonlyRootfs, true);
  assert.deepEqual(r.namespaceOptions, { network: 'POD', pid: 'NODE', ipc: 'NODE' });
  assert.deepEqual(containerSecurityContext(pod({ shareProcessNamespace: true, hostNetwork: true }), ctr()).namespaceOptions, { network: 'NODE', pid: 'POD', ipc: 'POD' });
  assert.deepEqual(containerSecurityContext(pod(), ctr()).namespaceOptions, { network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
});

test('seccomp profile mapping (fieldSeccompProfile), container over pod', () => {
  const cases: [Parameters<typeof seccompProfile>[0], unknown][] = [
    [undefined, { profileType: 'Unconfined', localhostRef: '' }],
    [{ type: 'Unconfined' }, { profileType: 'Unconfined', localhostRef: '' }],
    [{ type: 'RuntimeDefault' }, { profileType: 'RuntimeDefault', localhostRef: '' }],
    // Localhost profiles are files under <kubelet root>/seccomp
    [{ type: 'Localhost', localhostProfile: 'profiles/audit.json' }, { profileType: 'Localhost', localhostRef: '/var/lib/kubelet/seccomp/profiles/audit.json' }],
  ];
  for (const [p, want] of cases) assert.deepEqual(seccompProfile(p), want, JSON.stringify(p));
  assert.equal(seccompProfile({ type: 'Localhost', localhostProfile: 'a.json' }, '/srv/seccomp').localhostRef, '/srv/seccomp/a.json');
  const p = pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
  assert.equal(containerSecurityContext(p, ctr()).seccomp?.profileType, 'RuntimeDefault');
  assert.equal(containerSecurityContext(p, ctr({ seccompProfile: { type: 'Unconfined' } })).seccomp?.profileType, 'Unconfined');
});

test('verifyRunAsNonRoot messages', () => {
  const who = '(pod: "web-1_shop(u-1)", container: app)';
  const nonRoot = pod({ securityContext: { runAsNonRoot: true } });
  const cases: [string, Pod, Container, { uid?: number; username?: string }, string | undefined][] = [
    ['not required', pod(), ctr(), { uid: 0 }, undefined],
    ['runAsUser 0', nonRoot, ctr({ runAsUser: 0 }), { uid: 1000 }, `container's runAsUser breaks non-root policy ${who}`],
    ['runAsUser set', nonRoot, ctr({ runAsUser: 1000 }), { uid: 0 }, undefined],
    ['pod runAsUser 0', pod({ securityContext: { runAsNonRoot: true, runAsUser: 0 } }), ctr(), {}, `container's runAsUser breaks non-root policy ${who}`],
    ['image root', nonRoot, ctr(), { uid: 0 }, `container has runAsNonRoot and image will run as root ${who}`],
    ['image uid', nonRoot, ctr(), { uid: 101 }, undefined],
    ['image user name', nonRoot, ctr(), { username: 'nginx' }, `container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root ${who}`],
    // getImageUser: an image without a user runs as root
    ['image without user', nonRoot, ctr(), {}, `container has runAsNonRoot and image will run as root ${who}`],
    ['container turns it off', nonRoot, ctr({ runAsNonRoot: false }), { uid: 0 }, undefined],
    ['container turns it on', pod(), ctr({ runAsNonRoot: true }), { uid: 0 }, `container has runAsNonRoot and image will run as root ${who}`],
  ];
  for (const [name, p, c, image, want] of cases) assert.equal(verifyRunAsNonRoot(p, c, image), want, name);
});
