// The compiled plugin run exactly as containerd runs it (CNI_* env, config on stdin, from the
// node netns) against namespaces this test creates: a "node" netns holding the bridge and
// "pod" netns under it. Needs root. Nothing outside these namespaces is touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, deleteNetns, run } from '@svcnet/netns';
import { renderCniConfList } from './cni-config';
import { CONFLIST_FILE, installCniPlugin } from './install';
import { hostVethName } from './veth-name';

const tag = randomBytes(3).toString('hex');
const NODE = `svcnet-cnit-${tag}-node`;
const pod = (i: number) => `svcnet-cnit-${tag}-p${i}`;
const nsPath = (name: string) => `/run/netns/${name}`;
const GW = '10.244.1.1';

interface Invocation {
  code: number;
  stdout: string;
  json?: any;
}

test('svcnet-bridge CNI plugin wires pods in a real node netns', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-cni-root-'));
  const created: string[] = [];
  const children: ChildProcess[] = [];
  t.after(async () => {
    for (const c of children) c.kill('SIGKILL');
    // pods first, then the node (its deletion takes the bridge and host veths with it)
    for (const ns of created.reverse()) await deleteNetns(ns).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const hostForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
  const hostRedirects = readFileSync('/proc/sys/net/ipv4/conf/all/send_redirects', 'utf8');

  await createNetns(NODE);
  created.push(NODE);
  const addPod = async (i: number) => {
    // like containerd: a bare netns, lo still down
    await run('ip', ['netns', 'add', pod(i)]);
    created.push(pod(i));
  };

  const binDir = join(dir, 'bin');
  const confDir = join(dir, 'net.d');
  const dataDir = join(dir, 'ipam');
  const logFile = join(dir, 'log', 'cni.log');
  installCniPlugin({ binDir, confDir, conflist: renderCniConfList({ name: 'svcnet', bridge: 'svcnet0', subnet: '10.244.1.0/24', dataDir, logFile }) });
  const list = JSON.parse(readFileSync(join(confDir, CONFLIST_FILE), 'utf8'));
  // what libcni hands each plugin of a list
  const netConf = { ...list.plugins[0], name: list.name, cniVersion: list.cniVersion };

  const invoke = async (command: string, containerId: string, netns: string, conf: unknown = netConf): Promise<Invocation> => {
    const env = { PATH: process.env.PATH, CNI_COMMAND: command, CNI_CONTAINERID: containerId, CNI_NETNS: netns, CNI_IFNAME: 'eth0', CNI_PATH: binDir };
    const r = await run('nsenter', [`--net=${nsPath(NODE)}`, '--', join(binDir, 'svcnet-bridge')], { env, input: typeof conf === 'string' ? conf : JSON.stringify(conf), allowFailure: true, timeoutMs: 30_000 });
    return { code: r.code, stdout: r.stdout, json: r.stdout.trim() ? JSON.parse(r.stdout) : undefined };
  };
  const ipOf = (r: Invocation) => String(r.json.ips[0].address).split('/')[0];
  const inPod = (ns: string, cmd: string, args: string[]) => run('ip', ['netns', 'exec', ns, cmd, ...args], { allowFailure: true, timeoutMs: 10_000 });
  const ipJson = async (args: string[]) => JSON.parse((await run('ip', ['-j', ...args])).stdout);

  await t.test('VERSION lists the supported spec versions', async () => {
    const r = await invoke('VERSION', '', '', { cniVersion: '1.0.0' });
    assert.equal(r.code, 0);
    assert.deepEqual(r.json, { cniVersion: '1.0.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] });
  });

  let ip1 = '';
  await t.test('ADD wires eth0 /32, onlink default route, bridge with the gateway', async () => {
    await addPod(1);
    const r = await invoke('ADD', 'ctr-1', nsPath(pod(1)));
    assert.equal(r.code, 0, r.stdout);
    ip1 = ipOf(r);
    assert.match(r.json.ips[0].address, /^10\.244\.1\.\d+\/32$/);
    assert.equal(r.json.cniVersion, '1.0.0');
    assert.equal(r.json.ips[0].gateway, GW);
    assert.equal(r.json.ips[0].interface, 1);
    assert.deepEqual(r.json.routes, [{ dst: '0.0.0.0/0', gw: GW }]);
    assert.deepEqual(r.json.dns, {});
    assert.equal(r.json.interfaces[0].name, hostVethName('ctr-1'));
    assert.deepEqual({ name: r.json.interfaces[1].name, sandbox: r.json.interfaces[1].sandbox }, { name: 'eth0', sandbox: nsPath(pod(1)) });

    const addrs = await ipJson(['-n', pod(1), 'addr', 'show', 'dev', 'eth0']);
    assert.deepEqual(addrs[0].addr_info.filter((a: any) => a.family === 'inet').map((a: any) => `${a.local}/${a.prefixlen}`), [`${ip1}/32`]);
    assert.equal(addrs[0].address, r.json.interfaces[1].mac);
    const routes = await ipJson(['-n', pod(1), 'route', 'show', 'default']);
    assert.equal(routes[0].gateway, GW);
    assert.equal(routes[0].dev, 'eth0');
    assert.ok(routes[0].flags.includes('onlink'));
    const lo = await ipJson(['-n', pod(1), 'link', 'show', 'dev', 'lo']);
    assert.ok(lo[0].flags.includes('UP'));

    const br = await ipJson(['-n', NODE, 'addr', 'show', 'dev', 'svcnet0']);
    assert.ok(br[0].addr_info.some((a: any) => a.local === GW && a.prefixlen === 24));
    const veth = await ipJson(['-n', NODE, '-d', 'link', 'show', 'dev', hostVethName('ctr-1')]);
    assert.equal(veth[0].master, 'svcnet0');
    assert.equal(veth[0].linkinfo.info_slave_data.hairpin, true);
    assert.equal((await inPod(NODE, 'sysctl', ['-n', 'net.ipv4.ip_forward'])).stdout.trim(), '1');
    assert.equal((await inPod(NODE, 'sysctl', ['-n', 'net.ipv4.conf.svcnet0.send_redirects'])).stdout.trim(), '0');
    assert.equal(readFileSync(join(dataDir, ip1), 'utf8'), 'ctr-1\neth0');
  });

  await t.test('ADD again for the same container returns the same IP', async () => {
    const r = await invoke('ADD', 'ctr-1', nsPath(pod(1)));
    assert.equal(r.code, 0, r.stdout);
    assert.equal(ipOf(r), ip1);
  });

  let ip2 = '';
  let add2: Invocation | undefined;
  await t.test('concurrent ADDs for different containers get different IPs', async () => {
    await addPod(2);
    await addPod(3);
    const [a, b] = await Promise.all([invoke('ADD', 'ctr-2', nsPath(pod(2))), invoke('ADD', 'ctr-3', nsPath(pod(3)))]);
    assert.equal(a.code, 0, a.stdout);
    assert.equal(b.code, 0, b.stdout);
    add2 = a;
    ip2 = ipOf(a);
    assert.notEqual(ip2, ipOf(b));
    assert.ok(![ipOf(a), ipOf(b)].includes(ip1));
  });

  await t.test('a pod reaches the gateway and a pod on the same node, routed by the node', async () => {
    const gw = await inPod(pod(1), 'busybox', ['ping', '-c', '1', '-W', '2', GW]);
    assert.equal(gw.code, 0, gw.stdout + gw.stderr);
    const peer = await inPod(pod(1), 'busybox', ['ping', '-c', '1', '-W', '2', ip2]);
    assert.equal(peer.code, 0, peer.stdout + peer.stderr);
    // ttl 63: the node's IP layer forwarded it (a bridged packet would arrive with 64)
    assert.match(peer.stdout, /ttl=63/);
  });

  await t.test('CHECK passes on a wired pod, fails when its route is gone, ADD repairs it', async () => {
    const conf = { ...netConf, prevResult: add2!.json };
    assert.equal((await invoke('CHECK', 'ctr-2', nsPath(pod(2)), conf)).code, 0);
    await run('ip', ['-n', pod(2), 'route', 'del', 'default']);
    const bad = await invoke('CHECK', 'ctr-2', nsPath(pod(2)), conf);
    assert.equal(bad.code, 1);
    assert.equal(bad.json.code, 100);
    assert.match(bad.json.msg, /default route/);
    assert.equal(ipOf(await invoke('ADD', 'ctr-2', nsPath(pod(2)))), ip2);
    assert.equal((await invoke('CHECK', 'ctr-2', nsPath(pod(2)), conf)).code, 0);
  });

  await t.test('DEL removes the veth and frees the IP; DEL again succeeds', async () => {
    const r = await invoke('DEL', 'ctr-1', nsPath(pod(1)));
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, '');
    assert.equal((await run('ip', ['-n', NODE, 'link', 'show', 'dev', hostVethName('ctr-1')], { allowFailure: true })).code, 1);
    assert.equal((await run('ip', ['-n', pod(1), 'link', 'show', 'dev', 'eth0'], { allowFailure: true })).code, 1);
    assert.ok(!existsSync(join(dataDir, ip1)));
    assert.equal((await invoke('DEL', 'ctr-1', nsPath(pod(1)))).code, 0);
  });

  await t.test('DEL after the netns is gone succeeds and frees the IP', async () => {
    const ip3 = readdirSync(dataDir).find((f) => f !== ip2 && /^\d/.test(f) && readFileSync(join(dataDir, f), 'utf8').startsWith('ctr-3\n'));
    assert.ok(ip3);
    await deleteNetns(pod(3));
    assert.equal((await invoke('DEL', 'ctr-3', nsPath(pod(3)))).code, 0);
    assert.equal((await invoke('DEL', 'ctr-3', '')).code, 0);
    assert.ok(!existsSync(join(dataDir, ip3)));
  });

  await t.test('CNI_NETNS as /proc/<pid>/ns/net works too', async () => {
    await addPod(4); // only to have a name to enter
    const child = spawn('ip', ['netns', 'exec', pod(4), 'sleep', '60'], { stdio: 'ignore' });
    children.push(child);
    let pid = '';
    for (let i = 0; i < 50 && !pid; i++) {
      pid = (await run('ip', ['netns', 'pids', pod(4)])).stdout.trim().split('\n')[0];
      if (!pid) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(pid, 'sleep in pod netns did not start');
    const r = await invoke('ADD', 'ctr-4', `/proc/${pid}/ns/net`);
    assert.equal(r.code, 0, r.stdout);
    const addrs = await ipJson(['-n', pod(4), 'addr', 'show', 'dev', 'eth0']);
    assert.ok(addrs[0].addr_info.some((a: any) => a.local === ipOf(r) && a.prefixlen === 32));
    assert.equal((await invoke('DEL', 'ctr-4', `/proc/${pid}/ns/net`)).code, 0);
  });

  await t.test('errors are CNI error JSON on stdout with exit 1; logs go to logFile', async () => {
    const bad = await invoke('ADD', 'ctr-9', nsPath(pod(2)), { ...netConf, subnet: 'nope' });
    assert.equal(bad.code, 1);
    assert.equal(bad.json.code, 7);
    assert.match(bad.json.msg, /subnet/);
    const noNs = await invoke('ADD', 'ctr-9', '/run/netns/does-not-exist-' + tag);
    assert.equal(noNs.code, 1);
    assert.equal(noNs.json.code, 3);
    assert.ok(!readdirSync(dataDir).some((f) => /^\d/.test(f) && readFileSync(join(dataDir, f), 'utf8').startsWith('ctr-9\n')));
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.msg === 'added' && l.containerId === 'ctr-1'));
    assert.ok(lines.some((l) => l.level === 'error' && l.code === 3));
  });

  // the plugin's sysctls landed in the node netns only
  assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'), hostForward);
  assert.equal(readFileSync('/proc/sys/net/ipv4/conf/all/send_redirects', 'utf8'), hostRedirects);
});
