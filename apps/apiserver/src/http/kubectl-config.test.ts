// The real kubectl with ConfigMaps, Secrets and the pod fields that use them: the typed
// `kubectl create configmap|secret` commands (protobuf bodies), printed columns, describe,
// and validation errors word for word.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '@svcnet/test-harness';
import { startKubectlCluster, KUBECTL, type KubectlCluster } from './kubectl-harness';

let c: KubectlCluster;

before(async () => {
  c = await startKubectlCluster();
});
after(async () => {
  await c?.stop();
});




function rows(out: string): string[][] {
  return out.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
}

const AGE = /^\d+s$/;

test('kubectl create configmap --from-literal --from-file, get cm, describe, -o jsonpath', async () => {
  c.write('app.properties', 'color=blue\nsize=3\n');
  fs.writeFileSync(path.join(c.dir, 'blob.bin'), Buffer.from([0xff, 0x00, 0xfe]));
  assert.equal(await c.ok(['create', 'configmap', 'app', '--from-literal=mode=prod', '--from-literal=empty=', '--from-file=app.properties']), 'configmap/app created\n');
  // non-UTF-8 files go to binaryData (protobuf field 3 of the typed client's body)
  assert.equal(await c.ok(['create', 'configmap', 'bin', '--from-file=blob.bin']), 'configmap/bin created\n');
  assert.equal(await c.ok(['get', 'cm', 'bin', '-o', 'jsonpath={.binaryData.blob\\.bin}']), '/wD+');
  assert.equal(rows(await c.ok(['get', 'cm', 'bin']))[1][1], '1');
  const t = rows(await c.ok(['get', 'cm']));
  assert.deepEqual(t[0], ['NAME', 'DATA', 'AGE']);
  const app = t.find((r) => r[0] === 'app')!;
  assert.equal(app[1], '3');
  assert.match(app[2], AGE);
  assert.equal(await c.ok(['get', 'configmap', 'app', '-o', 'jsonpath={.data.mode}']), 'prod');
  assert.equal(await c.ok(['get', 'cm', 'app', '-o', 'jsonpath={.data.app\\.properties}']), 'color=blue\nsize=3\n');
  const d = await c.ok(['describe', 'cm', 'app']);
  assert.match(d, /^Name:\s+app$/m);
  assert.match(d, /^mode:\n----\nprod$/m);
  assert.match(d, /^app\.properties:\n----\ncolor=blue\nsize=3\n/m);
  assert.match(d, /^BinaryData\n====$/m);
  // a watch sees the change; a merge patch edits data
  const w = c.spawnKubectl(['get', 'cm', 'app', '-w', '-o', 'jsonpath={.data.mode}{"\\n"}']);
  let out = '';
  w.stdout!.on('data', (b) => (out += b));
  try {
    await waitFor('the first watch line', () => out.includes('prod'), 15_000);
    assert.equal(await c.ok(['patch', 'cm', 'app', '--type=merge', '-p', '{"data":{"mode":"dev"}}']), 'configmap/app patched\n');
    await waitFor('the patched value in the watch', () => out.includes('dev'), 10_000);
  } finally {
    w.kill('SIGTERM');
  }
});

test('kubectl create secret generic and docker-registry; get secret; describe shows sizes only', async () => {
  assert.equal(await c.ok(['create', 'secret', 'generic', 'db', '--from-literal=password=s3cr3t', '--from-literal=user=admin']), 'secret/db created\n');
  assert.equal(
    await c.ok(['create', 'secret', 'docker-registry', 'regcred', '--docker-server=registry.example.com', '--docker-username=bob', '--docker-password=pw', '--docker-email=bob@example.com']),
    'secret/regcred created\n',
  );
  const t = rows(await c.ok(['get', 'secret']));
  assert.deepEqual(t[0], ['NAME', 'TYPE', 'DATA', 'AGE']);
  assert.deepEqual(t.find((r) => r[0] === 'db')!.slice(1, 3), ['Opaque', '2']);
  assert.deepEqual(t.find((r) => r[0] === 'regcred')!.slice(1, 3), ['kubernetes.io/dockerconfigjson', '1']);
  assert.equal(Buffer.from(await c.ok(['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']), 'base64').toString(), 's3cr3t');
  const cfg = JSON.parse(Buffer.from(await c.ok(['get', 'secret', 'regcred', '-o', 'jsonpath={.data.\\.dockerconfigjson}']), 'base64').toString());
  assert.equal(cfg.auths['registry.example.com'].username, 'bob');
  const d = await c.ok(['describe', 'secret', 'db']);
  assert.match(d, /^Type:\s+Opaque$/m);
  assert.match(d, /^password:\s+6 bytes$/m);
  assert.match(d, /^user:\s+5 bytes$/m);
  assert.doesNotMatch(d, /s3cr3t/);
});

test('stringData is merged into data and never stored; immutable secrets refuse data changes', async () => {
  const f = c.write('s.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: frozen\nimmutable: true\nstringData:\n  token: abc\n');
  assert.equal(await c.ok(['apply', '-f', f]), 'secret/frozen created\n');
  const s = JSON.parse(await c.ok(['get', 'secret', 'frozen', '-o', 'json']));
  assert.deepEqual(s.data, { token: Buffer.from('abc').toString('base64') });
  assert.equal(s.stringData, undefined);
  assert.equal(s.type, 'Opaque');
  const err = await c.fails(['patch', 'secret', 'frozen', '-p', '{"stringData":{"token":"new"}}']);
  assert.equal(err, 'The Secret "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
});

test('ConfigMap and Secret validation errors read as on Kubernetes, and nothing is stored', async () => {
  const bad = await c.fails(['create', '-f', c.write('badcm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: badcm\ndata:\n  foo bar: x\n')]);
  assert.equal(
    bad,
    `The ConfigMap "badcm" is invalid: data[foo bar]: Invalid value: "foo bar": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
  );
  const dup = await c.fails(['create', '-f', c.write('dupcm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dupcm\ndata:\n  k: x\nbinaryData:\n  k: eA==\n')]);
  // kubectl prints several causes as a list
  assert.equal(dup, 'The ConfigMap "dupcm" is invalid: \n* data[k]: Invalid value: "k": duplicate of key present in binaryData\n* binaryData[k]: Invalid value: "k": duplicate of key present in data');
  const tls = await c.fails(['create', '-f', c.write('tls.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: x\n')]);
  assert.equal(tls, 'The Secret "tls" is invalid: data[tls.key]: Required value');
  const b64 = await c.fails(['create', '-f', c.write('b64.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: b64\ndata:\n  k: "not base64!"\n')]);
  assert.match(b64, /Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3/);
  for (const [kind, name] of [['cm', 'badcm'], ['cm', 'dupcm'], ['secret', 'tls'], ['secret', 'b64']]) {
    assert.equal((await c.kubectl(['get', kind, name])).code, 1, `${name} must not exist`);
  }
});

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  volumes:
  - name: cfg
    configMap:
      name: app
  - name: scratch
    emptyDir: {}
  initContainers:
  - name: init
    image: busybox:1.36
    command: ["sh", "-c", "true"]
  containers:
  - name: app
    image: nginx
    envFrom:
    - configMapRef:
        name: app
    env:
    - name: PASSWORD
      valueFrom:
        secretKeyRef:
          name: db
          key: password
    volumeMounts:
    - name: cfg
      mountPath: /etc/app
      readOnly: true
    - name: scratch
      mountPath: /tmp/x
    resources:
      limits:
        cpu: 1000m
        memory: 128Mi
    securityContext:
      runAsUser: 1000
      capabilities:
        drop: ["ALL"]
    startupProbe:
      httpGet:
        path: /
        port: 80
  imagePullSecrets:
  - name: regcred
  securityContext:
    fsGroup: 2000
`;

test('a pod with volumes, envFrom, secretKeyRef, resources and securityContext is stored and defaulted as Kubernetes does', async () => {
  assert.equal(await c.ok(['apply', '-f', c.write('pod.yaml', POD)]), 'pod/web created\n');
  const p = JSON.parse(await c.ok(['get', 'pod', 'web', '-o', 'json']));
  assert.deepEqual(p.spec.volumes, [{ name: 'cfg', configMap: { name: 'app', defaultMode: 420 } }, { name: 'scratch', emptyDir: {} }]);
  const app = p.spec.containers[0];
  assert.equal(app.imagePullPolicy, 'Always');
  assert.equal(app.terminationMessagePath, '/dev/termination-log');
  assert.equal(app.terminationMessagePolicy, 'File');
  assert.deepEqual(app.resources, { limits: { cpu: '1', memory: '128Mi' }, requests: { cpu: '1', memory: '128Mi' } });
  assert.deepEqual(app.startupProbe, { httpGet: { path: '/', port: 80, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(p.spec.initContainers[0].imagePullPolicy, 'IfNotPresent');
  assert.equal(p.spec.schedulerName, 'default-scheduler');
  // The init container has no limits, so the pod is Burstable (GetPodQOS counts init containers).
  assert.equal(p.status.qosClass, 'Burstable');
  assert.deepEqual(p.spec.imagePullSecrets, [{ name: 'regcred' }]);
  const d = await c.ok(['describe', 'pod', 'web']);
  assert.match(d, /^QoS Class:\s+Burstable$/m);
  assert.match(d, /^\s+\/etc\/app from cfg \(ro\)$/m);
});

test('pod validation errors read as on Kubernetes, and nothing is stored', async () => {
  const pod = (name: string, edit: (s: string) => string) => c.write(`${name}.yaml`, edit(POD.replace('name: web', `name: ${name}`)));
  const mount = await c.fails(['create', '-f', pod('badmount', (s) => s.replace('- name: cfg\n      mountPath', '- name: nope\n      mountPath'))]);
  assert.equal(mount, 'The Pod "badmount" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "nope"');
  const dupVol = await c.fails(['create', '-f', pod('dupvol', (s) => s.replace('- name: scratch\n    emptyDir', '- name: cfg\n    emptyDir').replace('- name: scratch\n      mountPath', '- name: cfg\n      mountPath'))]);
  assert.equal(dupVol, 'The Pod "dupvol" is invalid: spec.volumes[1].name: Duplicate value: "cfg"');
  const dupPath = await c.fails(['create', '-f', pod('duppath', (s) => s.replace('mountPath: /tmp/x', 'mountPath: /etc/app'))]);
  assert.equal(dupPath, 'The Pod "duppath" is invalid: spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/etc/app": must be unique');
  const env = await c.fails(['create', '-f', pod('badenv', (s) => s.replace('name: PASSWORD', 'name: 1PASSWORD'))]);
  assert.equal(
    env,
    `The Pod "badenv" is invalid: spec.containers[0].env[0].name: Invalid value: "1PASSWORD": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
  );
  const req = await c.fails(['create', '-f', pod('badreq', (s) => s.replace('      limits:\n        cpu: 1000m', '      requests:\n        cpu: 2\n      limits:\n        cpu: 1000m'))]);
  assert.equal(req, 'The Pod "badreq" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1');
  const pull = await c.fails(['create', '-f', pod('badpull', (s) => s.replace('    image: nginx\n', '    image: nginx\n    imagePullPolicy: Sometimes\n'))]);
  assert.equal(pull, 'The Pod "badpull" is invalid: spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"');
  const qty = await c.fails(['create', '-f', pod('badqty', (s) => s.replace('memory: 128Mi', 'memory: 200Mx'))]);
  assert.match(qty, /Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression '\^\(\[\+-\]\?\[0-9\.\]\+\)\(\[eEinumkKMGTP\]\*\[-\+\]\?\[0-9\]\*\)\$'/);
  const unknown = await c.fails(['create', '-f', pod('badfield', (s) => s.replace('readOnly: true', 'readOnly: true\n      readonly: true'))]);
  assert.match(unknown, /strict decoding error: unknown field "spec\.containers\[0\]\.volumeMounts\[0\]\.readonly"/);
  for (const name of ['badmount', 'dupvol', 'duppath', 'badenv', 'badreq', 'badpull', 'badqty', 'badfield']) {
    assert.equal((await c.kubectl(['get', 'pod', name])).code, 1, `${name} must not exist`);
  }
});
