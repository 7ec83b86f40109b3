import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@svcnet/api-types';
import { podLabels, podLogDirectory, podSandboxConfig, type SandboxOptions } from './sandbox-config';

const opts: SandboxOptions = {
  nodeName: 'node-1',
  podLogsDir: '/var/log/pods',
  cgroupRoot: '/svcnet/node-1',
  dns: { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostNameservers: ['1.1.1.1'] },
  attempt: 0,
};
const pod = (spec: Partial<Pod['spec']> = {}, meta: Partial<Pod['metadata']> = {}): Pod => ({
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web' }, annotations: { a: 'b' }, ...meta },
  spec: { containers: [{ name: 'app' }], ...spec },
});

test('sandbox metadata, labels (io.kubernetes.pod.*), annotations, log directory and cgroup parent', () => {
  const s = podSandboxConfig(pod(), { ...opts, attempt: 2 });
  assert.deepEqual(s.metadata, { name: 'web-1', uid: 'u-1', namespace: 'shop', attempt: 2 });
  assert.deepEqual(s.labels, {
    app: 'web',
    'io.kubernetes.pod.name': 'web-1',
    'io.kubernetes.pod.namespace': 'shop',
    'io.kubernetes.pod.uid': 'u-1',
    'io.svcnet.node': 'node-1',
  });
  assert.deepEqual(s.annotations, { a: 'b' });
  assert.equal(s.logDirectory, '/var/log/pods/shop_web-1_u-1');
  assert.equal(podLogDirectory('/logs', pod()), '/logs/shop_web-1_u-1');
  assert.equal(s.linux?.cgroupParent, '/svcnet/node-1/podu-1');
  // a pod label cannot impersonate another pod
  assert.equal(podLabels(pod({}, { labels: { 'io.kubernetes.pod.name': 'evil' } }), 'n')['io.kubernetes.pod.name'], 'web-1');
});

test('hostname, DNS and namespaces by pod spec', () => {
  const cases: [string, Partial<Pod['spec']>, { hostname: string; network: string; pid: string; ipc: string; servers: string[] }][] = [
    ['default', {}, { hostname: 'web-1', network: 'POD', pid: 'CONTAINER', ipc: 'POD', servers: ['10.96.0.10'] }],
    ['spec.hostname', { hostname: 'h1' }, { hostname: 'h1', network: 'POD', pid: 'CONTAINER', ipc: 'POD', servers: ['10.96.0.10'] }],
    // hostNetwork: the runtime uses the node's hostname; ClusterFirst falls back to the node's DNS
    ['hostNetwork', { hostNetwork: true }, { hostname: '', network: 'NODE', pid: 'CONTAINER', ipc: 'POD', servers: ['1.1.1.1'] }],
    ['hostPID', { hostPID: true }, { hostname: 'web-1', network: 'POD', pid: 'NODE', ipc: 'POD', servers: ['10.96.0.10'] }],
    ['hostIPC', { hostIPC: true }, { hostname: 'web-1', network: 'POD', pid: 'CONTAINER', ipc: 'NODE', servers: ['10.96.0.10'] }],
    ['shareProcessNamespace', { shareProcessNamespace: true }, { hostname: 'web-1', network: 'POD', pid: 'POD', ipc: 'POD', servers: ['10.96.0.10'] }],
    ['setHostnameAsFQDN', { subdomain: 'sub', setHostnameAsFQDN: true }, { hostname: 'web-1.sub.shop.svc.cluster.local', network: 'POD', pid: 'CONTAINER', ipc: 'POD', servers: ['10.96.0.10'] }],
    ['setHostnameAsFQDN without subdomain', { setHostnameAsFQDN: true }, { hostname: 'web-1', network: 'POD', pid: 'CONTAINER', ipc: 'POD', servers: ['10.96.0.10'] }],
  ];
  for (const [name, spec, want] of cases) {
    const s = podSandboxConfig(pod(spec), opts);
    assert.equal(s.hostname, want.hostname, name);
    assert.deepEqual(s.linux?.securityContext?.namespaceOptions, { network: want.network, pid: want.pid, ipc: want.ipc }, name);
    assert.deepEqual(s.dnsConfig?.servers, want.servers, name);
  }
});

test('a long pod name is cut to 63 characters without a trailing dash or dot', () => {
  const name = `${'a'.repeat(61)}-.b`;
  assert.equal(podSandboxConfig(pod({}, { name }), opts).hostname, 'a'.repeat(61));
  assert.equal(podSandboxConfig(pod({}, { name: 'a.b' }), opts).hostname, 'a.b');
});

test('port mappings for container ports with a hostPort', () => {
  const s = podSandboxConfig(
    pod({
      containers: [
        { name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 9090 }] },
        { name: 'b', ports: [{ containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' }] },
      ],
    }),
    opts,
  );
  assert.deepEqual(s.portMappings, [
    { protocol: 'TCP', containerPort: 80, hostPort: 8080, hostIp: '' },
    { protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' },
  ]);
});

test('sandbox security context: RuntimeDefault seccomp, privileged from any container, groups, sysctls', () => {
  const s = podSandboxConfig(
    pod({
      initContainers: [{ name: 'init', securityContext: { privileged: true } }],
      securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000], sysctls: [{ name: 'net.core.somaxconn', value: '1024' }], seccompProfile: { type: 'Unconfined' } },
    }),
    opts,
  );
  const sc = s.linux!.securityContext!;
  assert.deepEqual(sc.seccomp, { profileType: 'RuntimeDefault', localhostRef: '' });
  assert.equal(sc.privileged, true);
  assert.deepEqual(sc.runAsUser, { value: 1000 });
  assert.deepEqual(sc.runAsGroup, { value: 3000 });
  assert.deepEqual(sc.supplementalGroups, [2000, 4000]);
  assert.deepEqual(s.linux!.sysctls, { 'net.core.somaxconn': '1024' });
  assert.equal(podSandboxConfig(pod(), opts).linux!.securityContext!.privileged, false);
});
