// Root test: every stand-in runs for real under containerd. The images travel the way pods will
// get them: published to the local registry (in a netns of our own, next to a veth "eth0" with a
// pod-like address) and pulled from it by ctr; containers join that netns. A private containerd
// (own root, state and socket) keeps the machine's containerd out of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createNetns, deleteNetns, run, type RunResult } from '@svcnet/netns';
import { buildStandins } from './build-standins';
import { publishStandins } from './publish';
import { startRegistry, type RegistryHandle } from './registry-process';
import { PrivateContainerd } from './testing/private-containerd';

const ns = `svcnet-t-${process.pid}-ctr`;
const netnsPath = `/run/netns/${ns}`;
const podIp = '10.99.0.5';
const listen = `127.0.0.1:${20000 + Math.floor(Math.random() * 20000)}`;
// one ref per stand-in, as tutorials write them
const IMAGES = {
  nginx: 'library/nginx:1.27-alpine',
  echoNginx: 'amsy810/echo-nginx:v2.0',
  whoami: 'traefik/whoami:v1.10',
  curl: 'curlimages/curl:latest',
  netshoot: 'nicolaka/netshoot:latest',
  tools: 'amsy810/tools:v2.0',
  dnsutils: 'tutum/dnsutils:latest',
  busybox: 'library/busybox:1.36',
  alpine: 'library/alpine:3.20',
  pause: 'pause:3.9',
};
const image = (k: keyof typeof IMAGES) => `${listen}/${IMAGES[k]}`;

let dir = '';
let reg: RegistryHandle | undefined;
let ctd: PrivateContainerd | undefined;
let seq = 0;

function inNs(cmd: string, args: string[], allowFailure = true): Promise<RunResult> {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], { allowFailure, timeoutMs: 30_000 });
}

// ctr replaces the whole argv (entrypoint too) with the arguments it is given, unlike CRI where
// they replace CMD only; tests that pass arguments spell the image's entrypoint out.
function ctrRunArgs(img: string, id: string, args: string[], env: Record<string, string>, detach: boolean): string[] {
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  return ['run', detach ? '-d' : '--rm', '--with-ns', `network:${netnsPath}`, ...envArgs, img, id, ...args];
}

/** runs a container to completion and returns its output */
async function runOnce(img: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const id = `svcnet-t-once-${seq++}`;
  try {
    return await ctd!.ctr(ctrRunArgs(img, id, args, env, false), { allowFailure: true, timeoutMs: 60_000 });
  } finally {
    await ctd!.remove(id);
  }
}

/** starts a container in the background; the caller removes it */
async function runDetached(img: string, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const id = `svcnet-t-bg-${seq++}`;
  await ctd!.ctr(ctrRunArgs(img, id, args, env, true));
  return id;
}

async function httpGet(url: string, headers: string[] = []): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await inNs('curl', ['-s', '--max-time', '2', ...headers.flatMap((h) => ['-H', h]), url]);
    if (r.code === 0) return r.stdout;
    if (Date.now() > deadline) throw new Error(`GET ${url}: curl exit ${r.code} ${r.stderr}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function taskStatus(id: string): Promise<string> {
  const r = await ctd!.ctr(['task', 'ls'], { allowFailure: true });
  const line = r.stdout.split('\n').find((l) => l.startsWith(id + ' '));
  return line ? line.trim().split(/\s+/)[2] : 'GONE';
}

describe('stand-in images under containerd', { timeout: 900_000 }, () => {
  before(async () => {
    const layoutDir = await buildStandins();
    dir = mkdtempSync('/tmp/svcnet-standins-test-');
    await createNetns(ns);
    // both veth ends stay in the test netns (no dummy module here): a pod-like eth0, no way out
    await run('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0-peer']);
    await run('ip', ['-n', ns, 'addr', 'add', `${podIp}/24`, 'dev', 'eth0']);
    await run('ip', ['-n', ns, 'link', 'set', 'eth0-peer', 'up']);
    await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    reg = await startRegistry({ listen, storageDir: join(dir, 'storage'), configPath: join(dir, 'config.yml'), logFile: join(dir, 'registry.log'), netnsPath });
    await publishStandins({ layoutDir, registry: listen, netnsPath });
    ctd = await PrivateContainerd.start();
    // ctr 1.6 fetches in the client, so the pull runs inside the netns where the registry listens
    for (const k of Object.keys(IMAGES) as (keyof typeof IMAGES)[]) {
      await inNs('ctr', ctd.ctrArgs(['images', 'pull', '--plain-http', image(k)]), false);
    }
  });

  after(async () => {
    await ctd?.dispose();
    await reg?.stop();
    await deleteNetns(ns);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('nginx serves the "Welcome to nginx!" page on :80 and logs to stdout', async () => {
    const id = await runDetached(image('nginx'));
    try {
      const body = await httpGet('http://127.0.0.1/');
      assert.match(body, /<title>Welcome to nginx!<\/title>/);
      const conf = await runOnce(image('nginx'), ['sh', '-c', 'readlink /var/log/nginx/access.log; id -u nginx; nginx -t 2>&1']);
      assert.match(conf.stdout, /^\/dev\/stdout\n101\n.*syntax is ok/s);
    } finally {
      await ctd!.remove(id);
    }
  });

  test('echo-nginx answers one line on $NGINX_PORT', async () => {
    const id = await runDetached(image('echoNginx'), [], { NGINX_PORT: '8080' });
    try {
      const body = await httpGet('http://127.0.0.1:8080/some/path?q=1', ['X-Forwarded-For: 203.0.113.7', 'Host: svc-echo:8080']);
      assert.match(body, /^Host=svc-echo Path=\/some\/path\?q=1 From=\S+ ClientIP=127\.0\.0\.1 XFF=203\.0\.113\.7\n$/);
      const noXff = await httpGet('http://127.0.0.1:8080/');
      assert.match(noXff, / XFF=-\n$/);
    } finally {
      await ctd!.remove(id);
    }
  });

  test('whoami prints hostname, IPs, RemoteAddr, request line and headers', async () => {
    const id = await runDetached(image('whoami'));
    const named = await runDetached(image('whoami'), ['/whoami', '--port', '8081'], { NAME_APPLICATION: 'destination' });
    try {
      const body = await httpGet('http://127.0.0.1/', ['User-Agent: curl/7.65.1']);
      const lines = body.split('\n');
      assert.match(lines[0], /^Hostname: \S+$/);
      assert.equal(lines[1], 'IP: 127.0.0.1');
      assert.equal(lines[2], `IP: ${podIp}`);
      assert.ok(lines.some((l) => /^RemoteAddr: 127\.0\.0\.1:\d+$/.test(l)), body);
      assert.ok(lines.includes('GET / HTTP/1.1'), body);
      assert.ok(lines.includes('Host: 127.0.0.1'), body);
      assert.ok(lines.includes('User-Agent: curl/7.65.1'), body);
      const other = await httpGet(`http://${podIp}:8081/`);
      assert.match(other, /^Hostname: \S+\nName: destination\nIP: 127\.0\.0\.1\n/);
      assert.equal(await httpGet('http://127.0.0.1/health'), 'OK\n');
    } finally {
      await ctd!.remove(id);
      await ctd!.remove(named);
    }
  });

  test('curl runs curl (options alone get curl prepended) as curl_user', async () => {
    const v = await runOnce(image('curl'), ['/entrypoint.sh', '--version']);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /^curl \d/);
    const u = await runOnce(image('curl'), ['/entrypoint.sh', 'sh', '-c', 'id -un; curl --version | head -1']);
    assert.match(u.stdout, /^curl_user\ncurl \d/);
  });

  test('busybox and alpine run sh; alpine says it is a stand-in', async () => {
    const b = await runOnce(image('busybox'), ['sh', '-c', 'echo ok']);
    assert.equal(b.stdout, 'ok\n', b.stderr);
    const a = await runOnce(image('alpine'), ['sh', '-c', 'cat /etc/alpine-release; grep -q stand-in /etc/os-release && echo yes; wget --help 2>&1 | head -1']);
    assert.match(a.stdout, /^3\.\d+\.\d+\nyes\nBusyBox/, a.stderr);
  });

  test('netshoot, tools and dnsutils have bash, dig, curl and ip', async () => {
    for (const k of ['netshoot', 'tools', 'dnsutils'] as const) {
      const r = await runOnce(image(k), ['bash', '-c', 'for t in dig nslookup curl ip nft tcpdump conntrack nc ping jq; do command -v $t >/dev/null || echo missing $t; done; ip -4 -o addr show eth0']);
      assert.equal(r.code, 0, `${k}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout, /missing/, `${k}: ${r.stdout}`);
      assert.match(r.stdout, new RegExp(`inet ${podIp.replace(/\./g, '\\.')}/24`));
    }
  });

  test('pause stays up and exits 0 on SIGTERM', async () => {
    const id = await runDetached(image('pause'));
    try {
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await taskStatus(id), 'RUNNING');
      const t0 = Date.now();
      await ctd!.ctr(['task', 'kill', '-s', 'SIGTERM', id]);
      while ((await taskStatus(id)) === 'RUNNING') {
        assert.ok(Date.now() - t0 < 5000, 'pause ignored SIGTERM');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(await taskStatus(id), 'STOPPED');
      const del = await ctd!.ctr(['task', 'delete', id], { allowFailure: true });
      assert.equal(del.code, 0, del.stderr);
      assert.doesNotMatch(del.stdout + del.stderr, /exit status [1-9]/);
    } finally {
      await ctd!.remove(id);
    }
  });
});
