import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '@svcnet/api-types';
import { ContainerConfigError, containerConfig, containerLogPath, expandSubPathExpr, volumeMounts, type ContainerConfigInput } from './container-config';

const pod = (containers: Container[], volumes: Pod['spec']['volumes'] = []): Pod => ({ metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1' }, spec: { containers, volumes } });
const input = (over: Partial<ContainerConfigInput> = {}): ContainerConfigInput => ({
  nodeName: 'node-1',
  image: 'sha256:abc',
  attempt: 0,
  env: new Map([['GREETING', 'hi'], ['NAME', 'svcnet']]),
  volumes: new Map(),
  memoryCapacity: 8 * 2 ** 30,
  ...over,
});

test('command and args expand $(VAR) from the env, $$ escapes, unknown stays', () => {
  const c: Container = { name: 'app', command: ['/bin/echo', '$(GREETING)'], args: ['$(NAME)-$(MISSING)', '$$(NAME)', '$(GREETING'] };
  const cfg = containerConfig(pod([c]), c, input());
  assert.deepEqual(cfg.command, ['/bin/echo', 'hi']);
  assert.deepEqual(cfg.args, ['svcnet-$(MISSING)', '$(NAME)', '$(GREETING']);
  assert.deepEqual(cfg.envs, [{ key: 'GREETING', value: 'hi' }, { key: 'NAME', value: 'svcnet' }]);
  // no command or args: the image's entrypoint and cmd
  const bare = containerConfig(pod([{ name: 'b' }]), { name: 'b' }, input());
  assert.deepEqual([bare.command, bare.args, bare.workingDir], [[], [], '']);
});

test('metadata, labels, annotations, log path and stdin/tty', () => {
  const c: Container = { name: 'app', stdin: true, tty: true, workingDir: '/w', terminationMessagePath: '/tmp/term' };
  const cfg = containerConfig(pod([c]), c, input({ attempt: 3 }));
  assert.deepEqual(cfg.metadata, { name: 'app', attempt: 3 });
  assert.deepEqual(cfg.image, { image: 'sha256:abc' });
  assert.equal(cfg.logPath, 'app/3.log');
  assert.equal(containerLogPath('nginx', 0), 'nginx/0.log');
  assert.equal(cfg.workingDir, '/w');
  assert.deepEqual([cfg.stdin, cfg.stdinOnce, cfg.tty], [true, false, true]);
  assert.deepEqual(cfg.labels, {
    'io.kubernetes.pod.name': 'web-1',
    'io.kubernetes.pod.namespace': 'shop',
    'io.kubernetes.pod.uid': 'u-1',
    'io.kubernetes.container.name': 'app',
    'io.svcnet.node': 'node-1',
  });
  assert.equal(cfg.annotations?.['io.kubernetes.container.restartCount'], '3');
  assert.equal(cfg.annotations?.['io.kubernetes.container.terminationMessagePath'], '/tmp/term');
});

test('mounts from volumeMounts: subPath, readOnly, API volumes always read-only, propagation', () => {
  const vols: Pod['spec']['volumes'] = [
    { name: 'data', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'c' } },
    { name: 'sec', secret: { secretName: 's' } },
    { name: 'dapi', downwardAPI: {} },
    { name: 'proj', projected: {} },
    { name: 'host', hostPath: { path: '/srv' } },
  ];
  const host = new Map(vols.map((v) => [v.name, `/pods/u-1/volumes/${v.name}`]));
  const c: Container = {
    name: 'app',
    volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'data', mountPath: '/sub', subPath: 'a/b', readOnly: true },
      { name: 'cfg', mountPath: '/etc/cfg' },
      { name: 'sec', mountPath: '/etc/sec', readOnly: false },
      { name: 'dapi', mountPath: '/etc/podinfo' },
      { name: 'proj', mountPath: '/etc/proj' },
      { name: 'host', mountPath: '/host', mountPropagation: 'HostToContainer' },
      { name: 'host', mountPath: '/host2', mountPropagation: 'Bidirectional' },
      { name: 'host', mountPath: '/host3', mountPropagation: 'None' },
    ],
  };
  const got = volumeMounts(pod([c], vols), c, host).map((m) => [m.containerPath, m.hostPath, m.readonly, m.propagation]);
  assert.deepEqual(got, [
    ['/data', '/pods/u-1/volumes/data', false, 'PROPAGATION_PRIVATE'],
    ['/sub', '/pods/u-1/volumes/data/a/b', true, 'PROPAGATION_PRIVATE'],
    ['/etc/cfg', '/pods/u-1/volumes/cfg', true, 'PROPAGATION_PRIVATE'],
    ['/etc/sec', '/pods/u-1/volumes/sec', true, 'PROPAGATION_PRIVATE'],
    ['/etc/podinfo', '/pods/u-1/volumes/dapi', true, 'PROPAGATION_PRIVATE'],
    ['/etc/proj', '/pods/u-1/volumes/proj', true, 'PROPAGATION_PRIVATE'],
    ['/host', '/pods/u-1/volumes/host', false, 'PROPAGATION_HOST_TO_CONTAINER'],
    ['/host2', '/pods/u-1/volumes/host', false, 'PROPAGATION_BIDIRECTIONAL'],
    ['/host3', '/pods/u-1/volumes/host', false, 'PROPAGATION_PRIVATE'],
  ]);
});

test('mount errors are ContainerConfigErrors with the kubelet messages', () => {
  const vols: Pod['spec']['volumes'] = [{ name: 'data', emptyDir: {} }];
  const host = new Map([['data', '/v/data']]);
  const cases: [Container['volumeMounts'], string][] = [
    [[{ name: 'nope', mountPath: '/x' }], 'cannot find volume "nope" to mount into container "app"'],
    [[{ name: 'data', mountPath: '/x', subPath: '/abs' }], 'error SubPath `/abs` must not be an absolute path'],
    [[{ name: 'data', mountPath: '/x', subPath: 'a/../../etc' }], "unable to provision SubPath `a/../../etc`: must not contain '..'"],
    [[{ name: 'data', mountPath: '/x', subPathExpr: '$(UNSET)/x' }], 'missing value for UNSET'],
  ];
  for (const [mounts, msg] of cases) {
    const c: Container = { name: 'app', volumeMounts: mounts };
    assert.throws(() => volumeMounts(pod([c], vols), c, host), (e: unknown) => e instanceof ContainerConfigError && e.message === msg, msg);
  }
});

test('subPathExpr expands from the container env', () => {
  assert.equal(expandSubPathExpr('logs/$(POD_NAME)', new Map([['POD_NAME', 'web-1']])), 'logs/web-1');
  assert.throws(() => expandSubPathExpr('$(A)$(B)', new Map([['A', '']])), /missing value for A, B/);
  const c: Container = { name: 'app', volumeMounts: [{ name: 'data', mountPath: '/logs', subPathExpr: 'x/$(POD_NAME)' }] };
  const cfg = containerConfig(pod([c], [{ name: 'data', emptyDir: {} }]), c, input({ volumes: new Map([['data', '/v']]), env: new Map([['POD_NAME', 'web-1']]) }));
  assert.equal(cfg.mounts?.[0].hostPath, '/v/x/web-1');
});

test('/etc/hosts and the termination log are mounted unless a volume takes the path', () => {
  const c: Container = { name: 'app' };
  const cfg = containerConfig(pod([c]), c, input({ hostsFile: '/pods/u-1/etc-hosts', terminationLogFile: '/pods/u-1/containers/app/t' }));
  assert.deepEqual(
    cfg.mounts?.map((m) => [m.containerPath, m.hostPath, m.readonly]),
    [
      ['/etc/hosts', '/pods/u-1/etc-hosts', false],
      ['/dev/termination-log', '/pods/u-1/containers/app/t', false],
    ],
  );
  const own: Container = { name: 'app', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] };
  const cfg2 = containerConfig(pod([own], [{ name: 'h', hostPath: { path: '/etc/hosts' } }]), own, input({ hostsFile: '/x', volumes: new Map([['h', '/etc/hosts']]) }));
  assert.deepEqual(cfg2.mounts?.map((m) => m.hostPath), ['/etc/hosts']);
  // hostNetwork pods get no managed hosts file from the caller
  assert.deepEqual(containerConfig(pod([c]), c, input()).mounts, []);
});

test('linux resources and security context are filled in', () => {
  const c: Container = { name: 'app', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }, securityContext: { runAsUser: 5 } };
  const cfg = containerConfig(pod([c]), c, input());
  assert.deepEqual(cfg.linux?.resources, { cpuPeriod: 100000, cpuQuota: 50000, cpuShares: 256, memoryLimitInBytes: 128 * 2 ** 20, oomScoreAdj: 993 });
  assert.deepEqual(cfg.linux?.securityContext?.runAsUser, { value: 5 });
  const none = containerConfig(pod([{ name: 'b' }]), { name: 'b' }, input());
  assert.deepEqual(none.linux?.resources, { cpuPeriod: 100000, cpuQuota: 0, cpuShares: 2, memoryLimitInBytes: 0, oomScoreAdj: 1000 });
});
