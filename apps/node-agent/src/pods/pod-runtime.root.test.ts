// Root tests: a real PodRuntime in a "node" netns this test creates, pods in netns under it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Pod, PodStatus, Service } from '@svcnet/api-types';
import { NodeNetnsFixture, eventually, sh, type RuntimeDriver } from './testing/node-netns-fixture';

const fx = new NodeNetnsFixture();
let rt: RuntimeDriver;
let n = 0;

function pod(name: string, containers: Pod['spec']['containers'], extra: Partial<Pod['spec']> = {}, ns = 'web'): Pod {
  n++;
  const uid = `${fx.suffix}${String(n).padStart(2, '0')}aa-1111-4222-8333-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
  return { metadata: { name, namespace: ns, uid }, spec: { nodeName: 'node-t', containers, ...extra } };
}

const services: Service[] = [
  { metadata: { namespace: 'default', name: 'kubernetes' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } },
  { metadata: { namespace: 'web', name: 'nginx' }, spec: { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] } },
  { metadata: { namespace: 'web', name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
];

const status = (p: Pod) => rt.call<PodStatus | null>('status', p);

async function waitRunning(p: Pod): Promise<PodStatus> {
  return eventually(`${p.metadata.name} running`, async () => {
    const s = await status(p);
    return s?.phase === 'Running' && s.containerStatuses?.every((c) => c.state?.running) ? s : undefined;
  });
}

function curl(url: string): string {
  return fx.inNode('curl', ['-sS', '--max-time', '3', url]);
}

before(async () => {
  fx.setup();
  rt = fx.startDriver();
  await rt.call('init', {
    nodeName: 'node-t',
    nodeIP: '192.168.77.1',
    podCIDR: '10.77.1.0/24',
    stateDir: fx.stateDir,
    bridgeName: 'svcnet0',
    netnsPrefix: fx.podNsPrefix,
    dns: { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' },
    backoff: { initialMs: 200, maxMs: 1000, resetAfterMs: 60000 },
    services,
  });
});

after(async () => {
  await fx.cleanup();
  // the cleanup really removed what this test made
  assert.deepEqual(fx.podNetnsList(), []);
});

test('bridge holds the first podCIDR address and forwarding is on in the node netns only', () => {
  assert.match(fx.inNode('ip', ['-4', 'addr', 'show', 'dev', 'svcnet0']), /inet 10\.77\.1\.1\/24/);
  assert.equal(fx.inNode('sysctl', ['-n', 'net.ipv4.ip_forward']).trim(), '1');
  assert.equal(sh('ip', ['link', 'show', 'svcnet0'], { allowFail: true }), '');
});

test('two echo pods get distinct IPs and answer through the bridge with their hostname', async () => {
  const a = pod('whoami-a', [{ name: 'whoami', image: 'traefik/whoami' }]);
  const b = pod('echo-b', [{ name: 'echo', image: 'amsy810/echo-nginx' }]);
  const ra = await rt.call<{ ip: string; netns: string }>('sync', a);
  const rb = await rt.call<{ ip: string; netns: string }>('sync', b);
  assert.notEqual(ra.ip, rb.ip);
  assert.match(ra.ip, /^10\.77\.1\.\d+$/);
  const sa = await waitRunning(a);
  assert.equal(sa.podIP, ra.ip);
  assert.equal(sa.hostIP, '192.168.77.1');
  const body = await eventually('whoami answers', () => curl(`http://${ra.ip}:80/hello`));
  assert.match(body, /^Hostname: whoami-a$/m);
  assert.match(body, /^IP: 127\.0\.0\.1$/m);
  assert.match(body, new RegExp(`^IP: ${ra.ip.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(body, /^GET \/hello HTTP\/1\.1$/m);
  assert.match(body, /^RemoteAddr: 10\.77\.1\.1:\d+$/m);
  const line = await eventually('echo-nginx answers', () => curl(`http://${rb.ip}/p?q=1`));
  assert.equal(line, `Host=${rb.ip} Path=/p?q=1 From=echo-b ClientIP=10.77.1.1 XFF=-\n`);
  // pod to pod across the bridge, from inside pod b's netns
  const fromB = sh('ip', ['netns', 'exec', rb.netns, 'curl', '-sS', '--max-time', '3', `http://${ra.ip}/`]);
  assert.match(fromB, new RegExp(`RemoteAddr: ${rb.ip.replace(/\./g, '\\.')}:`));
  // default route via the bridge
  assert.match(sh('ip', ['-n', ra.netns, 'route', 'show', 'default']), /default via 10\.77\.1\.1 dev eth0/);
  // the host namespace never saw any of it
  assert.equal(sh('ip', ['link', 'show', 'svcnet0'], { allowFail: true }), '');
});

test('inside a pod: hostname, resolv.conf, hosts and service env vars are exactly right', async () => {
  const p = pod('env-check', [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'hostname; echo ---; cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; env | sort; echo ---; ls -A /tmp | wc -l'], env: [{ name: 'OWN', value: 'x-$(NGINX_SERVICE_HOST)' }] }], { restartPolicy: 'Never' });
  const r = await rt.call<{ ip: string }>('sync', p);
  const s = await eventually('env-check completed', async () => {
    const st = await status(p);
    return st?.phase === 'Succeeded' ? st : undefined;
  });
  assert.equal(s.containerStatuses![0].state!.terminated!.exitCode, 0);
  const log = fs.readFileSync(await rt.call<string>('logPath', p.metadata.uid, 'c'), 'utf8');
  const [hostname, resolv, hosts, env, tmpCount] = log.split('---\n');
  assert.equal(hostname, 'env-check\n');
  assert.equal(resolv, 'nameserver 10.96.0.10\nsearch web.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  assert.match(hosts, new RegExp(`^${r.ip.replace(/\./g, '\\.')}\\tenv-check$`, 'm'));
  assert.match(hosts, /^127\.0\.0\.1\tlocalhost$/m);
  const vars = Object.fromEntries(env.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(vars.NGINX_SERVICE_HOST, '10.96.0.20');
  assert.equal(vars.NGINX_SERVICE_PORT, '8080');
  assert.equal(vars.NGINX_SERVICE_PORT_HTTP, '8080');
  assert.equal(vars.NGINX_PORT, 'tcp://10.96.0.20:8080');
  assert.equal(vars.NGINX_PORT_8080_TCP, 'tcp://10.96.0.20:8080');
  assert.equal(vars.NGINX_PORT_8080_TCP_PROTO, 'tcp');
  assert.equal(vars.NGINX_PORT_8080_TCP_PORT, '8080');
  assert.equal(vars.NGINX_PORT_8080_TCP_ADDR, '10.96.0.20');
  assert.equal(vars.KUBERNETES_SERVICE_HOST, '10.96.0.1');
  assert.equal(vars.KUBERNETES_SERVICE_PORT, '443');
  assert.equal(vars.KUBERNETES_PORT_443_TCP, 'tcp://10.96.0.1:443');
  assert.equal(vars.HOSTNAME, 'env-check');
  assert.equal(vars.OWN, 'x-10.96.0.20');
  assert.ok(!Object.keys(vars).some((k) => k.startsWith('HEADLESS_')));
  // private /tmp: empty, not the node's
  assert.equal(tmpCount.trim(), '0');
  // the node's own files are untouched
  assert.doesNotMatch(fs.readFileSync('/etc/resolv.conf', 'utf8'), /10\.96\.0\.10/);
});

test('nginx image serves the Debian welcome page on port 80', async () => {
  const p = pod('web-nginx', [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } }]);
  const r = await rt.call<{ ip: string }>('sync', p);
  const page = await eventually('nginx answers', () => curl(`http://${r.ip}/`));
  assert.match(page, /<title>Welcome to nginx!<\/title>/);
  const s = await eventually('nginx ready', async () => {
    const st = await status(p);
    return st?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? st : undefined;
  });
  assert.equal(s.containerStatuses![0].ready, true);
  await rt.call('terminate', p.metadata.uid, 5000);
});

test('deleting a pod stops its process gracefully and removes its netns and veth', async () => {
  const p = pod('doomed', [{ name: 'sleeper', image: 'busybox', command: ['sleep', '3600'] }]);
  const r = await rt.call<{ ip: string; netns: string }>('sync', p);
  await waitRunning(p);
  const pid = (await rt.call<number>('pid', p.metadata.uid, 'sleeper'))!;
  assert.ok(fs.existsSync(`/proc/${pid}`));
  assert.ok(fx.podNetnsList().includes(r.netns));
  const vethsBefore = fx.inNode('ip', ['-o', 'link', 'show', 'master', 'svcnet0']).trim().split('\n').length;
  const t0 = Date.now();
  await rt.call('terminate', p.metadata.uid, 10000);
  // well under the 10 s grace period: sleep died on SIGTERM, nothing waited for SIGKILL
  assert.ok(Date.now() - t0 < 9000, 'sleep dies on SIGTERM, no need to wait for the grace period');
  assert.ok(!fs.existsSync(`/proc/${pid}`));
  assert.ok(!fx.podNetnsList().includes(r.netns));
  const vethsAfter = fx.inNode('ip', ['-o', 'link', 'show', 'master', 'svcnet0']).trim().split('\n').filter(Boolean).length;
  assert.equal(vethsAfter, vethsBefore - 1);
  assert.equal(await status(p), null);
});

test('a process ignoring SIGTERM is killed after the grace period', async () => {
  const p = pod('stubborn', [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'trap "" TERM; echo trapped; while :; do sleep 0.2; done'] }]);
  await rt.call('sync', p);
  await waitRunning(p);
  const logPath = await rt.call<string>('logPath', p.metadata.uid, 'c');
  await eventually('trap set', () => fs.existsSync(logPath) && fs.readFileSync(logPath, 'utf8').includes('trapped'));
  const pid = (await rt.call<number>('pid', p.metadata.uid, 'c'))!;
  const t0 = Date.now();
  await rt.call('terminate', p.metadata.uid, 1000);
  const took = Date.now() - t0;
  assert.ok(took >= 900 && took < 6000, `took ${took}ms`);
  assert.ok(!fs.existsSync(`/proc/${pid}`));
});

test('an unknown image is ErrImagePull, not a fallback', async () => {
  const p = pod('bad-image', [{ name: 'c', image: 'quay.io/nope/nothing:1' }]);
  await rt.call('sync', p);
  const s = await eventually('ErrImagePull', async () => {
    const st = await status(p);
    return st?.containerStatuses?.[0].state?.waiting?.reason === 'ErrImagePull' ? st : undefined;
  });
  assert.equal(s.phase, 'Pending');
  assert.match(s.containerStatuses![0].state!.waiting!.message!, /quay\.io\/nope\/nothing/);
  await rt.call('terminate', p.metadata.uid, 0);
});

test('restartPolicy OnFailure restarts a failing container with backoff and counts restarts', async () => {
  const p = pod('crasher', [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo run; exit 3'] }], { restartPolicy: 'OnFailure' });
  await rt.call('sync', p);
  const s = await eventually('two restarts', async () => {
    const st = await status(p);
    return (st?.containerStatuses?.[0].restartCount ?? 0) >= 2 ? st : undefined;
  });
  assert.equal(s.phase, 'Running');
  assert.equal(s.containerStatuses![0].lastState?.terminated?.exitCode, 3);
  const log = fs.readFileSync(await rt.call<string>('logPath', p.metadata.uid, 'c'), 'utf8');
  // the third run may not have printed yet
  assert.ok(log.split('run\n').length - 1 >= 2);
  await rt.call('terminate', p.metadata.uid, 0);
});

test('readiness (exec, tcpSocket) and liveness probes drive ready and restarts', async () => {
  const p = pod('probed', [
    {
      name: 'c',
      image: 'busybox',
      command: ['sh', '-c', 'sleep 1; touch /tmp/ready; exec socat TCP-LISTEN:9000,fork,reuseaddr EXEC:cat'],
      readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
      livenessProbe: { tcpSocket: { port: 9000 }, initialDelaySeconds: 3, periodSeconds: 1, failureThreshold: 2 },
    },
    { name: 'dead', image: 'busybox', command: ['sleep', '3600'], livenessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1, failureThreshold: 1 } },
  ]);
  await rt.call('sync', p);
  const first = await status(p);
  assert.equal(first?.containerStatuses?.[0].ready, false);
  // exec readiness looks at the container's private /tmp: ready once the file exists there
  await eventually('c ready', async () => (await status(p))?.containerStatuses?.[0].ready === true, 8000);
  assert.ok(!fs.existsSync('/tmp/ready') || fs.statSync('/tmp/ready').mtimeMs < Date.now() - 60000);
  // nothing listens on 9999 in "dead": liveness kills and restarts it
  const s = await eventually('dead restarted', async () => {
    const st = await status(p);
    return (st?.containerStatuses?.[1].restartCount ?? 0) >= 1 ? st : undefined;
  }, 10000);
  assert.equal(s.containerStatuses![0].restartCount, 0, 'the healthy container is never restarted');
  await rt.call('terminate', p.metadata.uid, 0);
});

test('a restarted agent adopts running pods and cleans up pods that no longer exist', async () => {
  const keep = pod('keeper', [{ name: 'whoami', image: 'traefik/whoami' }]);
  const gone = pod('gone', [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }]);
  const rk = await rt.call<{ ip: string; netns: string }>('sync', keep);
  const rg = await rt.call<{ ip: string; netns: string }>('sync', gone);
  await waitRunning(keep);
  await waitRunning(gone);
  const keepPid = (await rt.call<number>('pid', keep.metadata.uid, 'whoami'))!;
  const gonePid = (await rt.call<number>('pid', gone.metadata.uid, 'c'))!;
  await rt.stop();
  // pods survive the agent
  assert.ok(fs.existsSync(`/proc/${keepPid}`));
  await eventually('still serving', () => curl(`http://${rk.ip}/`).includes('Hostname: keeper'));

  rt = fx.startDriver();
  await rt.call('init', {
    nodeName: 'node-t',
    nodeIP: '192.168.77.1',
    podCIDR: '10.77.1.0/24',
    stateDir: fx.stateDir,
    bridgeName: 'svcnet0',
    netnsPrefix: fx.podNsPrefix,
    dns: { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' },
    backoff: { initialMs: 200, maxMs: 1000, resetAfterMs: 60000 },
    services,
  });
  // a new pod does not get the IP of a live adopted one
  const fresh = pod('fresh', [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }]);
  const rf = await rt.call<{ ip: string }>('sync', fresh);
  assert.notEqual(rf.ip, rk.ip);
  assert.notEqual(rf.ip, rg.ip);
  const again = await rt.call<{ ip: string }>('sync', keep);
  assert.equal(again.ip, rk.ip);
  assert.equal(await rt.call('pid', keep.metadata.uid, 'whoami'), keepPid, 'same process, not restarted');
  const s = await waitRunning(keep);
  assert.equal(s.containerStatuses![0].restartCount, 0);
  await rt.call('cleanup', [keep.metadata.uid, fresh.metadata.uid]);
  await eventually('leftover process gone', () => !fs.existsSync(`/proc/${gonePid}`));
  assert.ok(!fx.podNetnsList().includes(rg.netns));
  assert.ok(fx.podNetnsList().includes(rk.netns));
  assert.ok(fs.existsSync(`/proc/${keepPid}`));
  // the adopted process is still watched: killing it restarts it (restartPolicy Always)
  const keepNsPidsBefore = sh('ip', ['netns', 'pids', rk.netns]).trim().split('\n');
  assert.ok(keepNsPidsBefore.length >= 2, 'wrapper and echo server');
  process.kill(keepPid, 'SIGKILL');
  await eventually('adopted pod restarted', async () => (await status(keep))?.containerStatuses?.[0].restartCount === 1, 8000);
  // the echo server orphaned by the killed wrapper was killed with its group, the new one serves
  for (const pid of keepNsPidsBefore) await eventually(`stray process ${pid} gone`, () => !fs.existsSync(`/proc/${pid}`), 3000);
  await eventually('restarted pod serves', () => curl(`http://${rk.ip}/`).includes('Hostname: keeper'));
  await rt.call('terminate', keep.metadata.uid, 0);
  await rt.call('terminate', fresh.metadata.uid, 0);
});

test('deleting every pod leaves no process and no netns behind', async () => {
  const extra = pod('last', [{ name: 'c', image: 'nginx' }, { name: 'd', image: 'svcnet/echo' }]);
  await rt.call('sync', extra);
  await waitRunning(extra);
  // two wrappers, nginx master and worker, the echo server
  const pids = await eventually('all processes up', () => {
    const l = fx.podNetnsList().flatMap((ns) => sh('ip', ['netns', 'pids', ns]).trim().split('\n').filter(Boolean));
    return l.length >= 5 ? l : undefined;
  });
  for (const uid of await rt.call<string[]>('uids')) await rt.call('terminate', uid, 2000);
  assert.deepEqual(fx.podNetnsList(), []);
  for (const pid of pids) assert.ok(!fs.existsSync(`/proc/${pid}`), `process ${pid} survived its pod`);
  assert.equal(fx.inNode('ip', ['-o', 'link', 'show', 'master', 'svcnet0']).trim(), '');
});
