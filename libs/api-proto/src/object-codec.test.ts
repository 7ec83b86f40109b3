import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadApiPackage } from './load';
import { toWire, fromWire } from './object-codec';

// Round-trips through the real protobuf encoder, so a field missing from the .proto shows up here.
function roundTrip(obj: any): any {
  const pkg = loadApiPackage() as any;
  const type = pkg.svcnet.v1.Object.type;
  assert.ok(type);
  const def = (pkg.svcnet.v1.ResourceApi.service.Create as any);
  const bytes = def.requestSerialize({ resource: 'x', object: toWire(obj) });
  const back = def.requestDeserialize(bytes);
  return fromWire(back.object);
}

test('Service with named and numeric targetPorts, zero values kept', () => {
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' }, resourceVersion: '12' },
    spec: {
      type: 'NodePort',
      selector: { app: 'nginx' },
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ports: [
        { name: 'http', protocol: 'TCP', port: 8080, targetPort: 80, nodePort: 30080 },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics' },
      ],
      publishNotReadyAddresses: false,
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    },
    status: { loadBalancer: {} },
  };
  assert.deepEqual(roundTrip(svc), svc);
});

test('Deployment keeps replicas 0 and percent surge', () => {
  const d = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: '/', port: 80 } } }] },
      },
    },
  };
  assert.deepEqual(roundTrip(d), d);
});

test('EndpointSlice conditions false survive', () => {
  const s = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abcde', namespace: 'default' },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.1.2'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'node-1' }],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  };
  assert.deepEqual(roundTrip(s), s);
});

// Every pod field the kubelet reads must survive gRPC: a missing .proto field would vanish here.
const FULL_POD_SPEC = {
  volumes: [
    { name: 'scratch', emptyDir: {} },
    { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'a', path: 'conf/a.txt', mode: 256 }], defaultMode: 420, optional: false } },
    { name: 'creds', secret: { secretName: 'db', defaultMode: 256, optional: true } },
    { name: 'host', hostPath: { path: '/var/log', type: '' } },
    { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels', apiVersion: 'v1' } }, { path: 'mem', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' }, mode: 292 }], defaultMode: 420 } },
    { name: 'all', projected: { defaultMode: 420, sources: [
      { configMap: { name: 'c', items: [{ key: 'k', path: 'p' }], optional: true } },
      { secret: { name: 's' } },
      { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
      { serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } },
    ] } },
    { name: 'data', persistentVolumeClaim: { claimName: 'pvc', readOnly: true } },
  ],
  initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], restartPolicy: 'Always', startupProbe: { exec: { command: ['true'] } } }],
  containers: [{
    name: 'app',
    image: 'nginx:1.27',
    imagePullPolicy: 'IfNotPresent',
    volumeMounts: [{ name: 'cfg', mountPath: '/etc/app', readOnly: true, subPath: 'conf', mountPropagation: 'None' }],
    envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'app-config', optional: true } }, { secretRef: { name: 'db' } }],
    env: [
      { name: 'A', value: '' },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'CPU', valueFrom: { resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'K', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'k', optional: false } } },
      { name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ],
    resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
    securityContext: { runAsUser: 0, runAsGroup: 1000, runAsNonRoot: false, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, procMount: 'Default' },
    startupProbe: { httpGet: { path: '/', port: 'http', httpHeaders: [{ name: 'X-A', value: 'b' }] }, failureThreshold: 30 },
    livenessProbe: { grpc: { port: 9000, service: 'health' }, terminationGracePeriodSeconds: 5 },
    readinessProbe: { tcpSocket: { port: 80 } },
    lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo hi'] } }, preStop: { sleep: { seconds: 5 } } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  }],
  imagePullSecrets: [{ name: 'regcred' }],
  securityContext: { runAsUser: 1000, runAsGroup: 0, runAsNonRoot: true, fsGroup: 2000, supplementalGroups: [0, 4000], seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' }, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
  serviceAccountName: 'default',
  automountServiceAccountToken: false,
  dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
  hostPID: false,
  hostIPC: false,
  shareProcessNamespace: true,
  activeDeadlineSeconds: 600,
  hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
  restartPolicy: 'Always',
};

test('Pod spec and status fields the kubelet uses survive the wire', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'full', namespace: 'default' },
    spec: FULL_POD_SPEC,
    status: {
      phase: 'Running',
      qosClass: 'Burstable',
      initContainerStatuses: [{ name: 'init', ready: true, started: true, restartCount: 0, image: 'busybox', imageID: 'docker.io/library/busybox@sha256:ab', containerID: 'containerd://12ab', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
      containerStatuses: [{ name: 'app', ready: false, started: false, restartCount: 3, lastState: { terminated: { exitCode: 137, signal: 9, reason: 'OOMKilled', message: 'bye', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z' } }, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } } }],
    },
  };
  assert.deepEqual(roundTrip(pod), pod);
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: FULL_POD_SPEC } } };
  assert.deepEqual(roundTrip(rs), rs);
});

test('Node images and daemonEndpoints, ConfigMap and Secret survive the wire', () => {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { images: [{ names: ['docker.io/library/nginx:1.27'], sizeBytes: 72_000_000 }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } }, nodeInfo: { containerRuntimeVersion: 'containerd://1.6.20' } } };
  assert.deepEqual(roundTrip(node), node);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: 'b', empty: '' }, binaryData: { bin: 'AAEC' }, immutable: true };
  assert.deepEqual(roundTrip(cm), cm);
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, type: 'Opaque', data: { password: 'czNjcjN0' }, stringData: { user: 'admin' }, immutable: false };
  assert.deepEqual(roundTrip(secret), secret);
});
