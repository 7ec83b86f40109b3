// Proves CriClient against a real containerd 1.6 in a fresh network namespace: images built
// here from the host's busybox (nothing is pulled), a hostNetwork pod and a CNI pod, exec,
// exit codes, CRI log format. Everything lives under one temp dir and one netns, removed in
// t.after also when a step fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { CriClient, CriError, nanosToDate, type PodSandboxConfig, type ContainerConfig } from '@svcnet/cri-client';
import { createNetns, deleteNetns, spawnIn } from '@svcnet/netns';
import type { ChildProcess } from 'node:child_process';
import { renderContainerdConfig } from './config';
import { renderRegistryHosts, TUTORIAL_REGISTRIES, writeRegistryHosts } from './registry-hosts';
import { startContainerd, type ContainerdProcess } from './process';
import { importImageArchive } from './images';
import { killRuncContainers, killShims, unmountUnder } from './cleanup';
import { buildBusyboxImage, buildBusyboxLayout, buildPauseImage } from './testing/busybox-image';

const BUSYBOX_REF = 'docker.io/library/busybox:svcnet-test';
const PAUSE_REF = 'registry.k8s.io/pause:3.6';
const CRI_LOG_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)) (stdout|stderr) (F|P) (.*)$/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('CriClient drives a real containerd: images, hostNetwork pod, exec, exit codes, logs, CNI pod', { timeout: 180_000 }, async (t) => {
  const started = Date.now();
  const id = crypto.randomBytes(3).toString('hex');
  const netns = `svcnet-t-${id}-ctd`;
  const tmp = fs.mkdtempSync(`/tmp/svcnet-ctd-${id}-`);
  const d = {
    root: path.join(tmp, 'root'),
    state: path.join(tmp, 'state'),
    runc: path.join(tmp, 'runc'),
    cniConf: path.join(tmp, 'net.d'),
    cniData: path.join(tmp, 'cni-ipam'),
    certs: path.join(tmp, 'certs.d'),
    logs: path.join(tmp, 'logs'),
    images: path.join(tmp, 'images'),
  };
  for (const p of Object.values(d)) fs.mkdirSync(p, { recursive: true });
  const socket = path.join(tmp, 'containerd.sock');
  const cgroupParent = `/svcnet-t-${id}`;
  const cniNetwork = `svcnet-t-${id}`;
  let ctd: ContainerdProcess | undefined;
  let cri: CriClient | undefined;
  let registry: ChildProcess | undefined;

  t.after(async () => {
    // CRI first (clean stop incl. CNI DEL), then force: runc, shims, mounts, dirs, netns.
    if (cri && ctd && !ctd.exited) {
      const c = new CriClient({ endpoint: socket, callTimeoutMs: 5000 });
      try {
        for (const p of await c.listPodSandbox()) {
          await c.stopPodSandbox(p.id).catch(() => undefined);
          await c.removePodSandbox(p.id).catch(() => undefined);
        }
      } catch {
        // containerd unresponsive: the forced steps below still clean up
      } finally {
        c.close();
      }
    }
    cri?.close();
    if (registry && registry.exitCode === null && registry.signalCode === null) {
      registry.kill('SIGKILL');
      await new Promise((r) => registry!.once('exit', r));
    }
    await ctd?.stop();
    await killRuncContainers(d.runc);
    await killShims(socket);
    await unmountUnder(tmp);
    for (const ctl of fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup') : []) {
      const cg = path.join('/sys/fs/cgroup', ctl, cgroupParent);
      // Only empty cgroup dirs can be removed; children first.
      const rmTree = (p: string) => {
        if (!fs.existsSync(p)) return;
        for (const e of fs.readdirSync(p, { withFileTypes: true })) if (e.isDirectory()) rmTree(path.join(p, e.name));
        try {
          fs.rmdirSync(p);
        } catch {
          // busy or already gone
        }
      };
      rmTree(cg);
    }
    // go-cni's result cache (host-wide /var/lib/cni/results), entries of this test's network only.
    const cache = '/var/lib/cni/results';
    if (fs.existsSync(cache)) for (const f of fs.readdirSync(cache)) if (f.startsWith(`${cniNetwork}-`)) fs.rmSync(path.join(cache, f), { force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
    await deleteNetns(netns);
  });

  await createNetns(netns);
  const configPath = path.join(tmp, 'config.toml');
  fs.writeFileSync(
    configPath,
    renderContainerdConfig({
      root: d.root,
      state: d.state,
      socket,
      cniBinDir: '/usr/lib/cni',
      cniConfDir: d.cniConf,
      registryConfigDir: d.certs,
      sandboxImage: PAUSE_REF,
      runcRoot: d.runc,
      // Keeps pod netns bind mounts under the temp dir, so a failed run leaves nothing in /run/netns.
      netnsMountsUnderStateDir: true,
    }),
  );
  // A registry that refuses connections: pulls must fail with containerd's own message.
  // The tutorial registries fall back to a local mirror (in the test netns, where the real
  // registries are unreachable: no route out).
  const mirrorPort = 5000 + (parseInt(id, 16) % 1000);
  await writeRegistryHosts(
    d.certs,
    renderRegistryHosts([{ registry: '127.0.0.1:9', server: 'http://127.0.0.1:9', mirrors: [] }, ...TUTORIAL_REGISTRIES(`http://127.0.0.1:${mirrorPort}`)]),
  );

  const [proc, busyboxTar, pauseTar, mirrorLayout] = await Promise.all([
    startContainerd({ configPath, socket, netnsPath: `/run/netns/${netns}`, logFile: path.join(tmp, 'containerd.log') }),
    buildBusyboxImage(d.images, BUSYBOX_REF),
    buildPauseImage(d.images, PAUSE_REF),
    buildBusyboxLayout(d.images, { cmd: ['echo', 'from-mirror'] }),
  ]);
  ctd = proc;
  const bootMs = Date.now() - started;
  cri = new CriClient({ endpoint: `unix://${socket}`, callTimeoutMs: 20_000 });

  await t.test('version and status', async () => {
    const v = await cri!.version();
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
    const s = await cri!.status();
    assert.ok(s.status?.conditions.find((c) => c.type === 'RuntimeReady')?.status, JSON.stringify(s.status));
  });

  await t.test('images: import archives, status, failed pull carries containerd message', async () => {
    assert.deepEqual(await importImageArchive(socket, busyboxTar), [BUSYBOX_REF]);
    assert.deepEqual(await importImageArchive(socket, pauseTar), [PAUSE_REF]);
    const st = await cri!.imageStatus(BUSYBOX_REF);
    assert.ok(st.image, 'imported image visible to CRI');
    assert.ok(st.image!.repoTags.includes(BUSYBOX_REF));
    assert.ok(Number(st.image!.size) > 100_000);
    assert.ok((await cri!.listImages()).some((i) => i.repoTags.includes(PAUSE_REF)));
    assert.equal((await cri!.imageStatus('docker.io/library/absent:1')).image, undefined);
    await assert.rejects(cri!.pullImage('127.0.0.1:9/nothing/here:1'), (e: unknown) => {
      assert.ok(e instanceof CriError);
      assert.match(e.details, /127\.0\.0\.1:9/);
      assert.match(e.details, /connect|refused|failed/i);
      return true;
    });
    assert.ok((await cri!.imageFsInfo()).length > 0);
  });

  await t.test('pull: real registry first, local mirror second', async () => {
    const requests: { method: string; path: string; ns: string | null }[] = [];
    registry = spawnIn(netns, process.execPath, [path.join(__dirname, 'testing/oci-registry.js'), mirrorLayout, '127.0.0.1', String(mirrorPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    let ready!: () => void;
    const readyP = new Promise<void>((r) => (ready = r));
    registry.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') ready();
        else requests.push(JSON.parse(line));
      }
    });
    await readyP;
    const ref = await cri!.pullImage('docker.io/library/mirrored:latest');
    assert.match(ref, /^sha256:[0-9a-f]{64}$/);
    assert.ok(requests.some((r) => r.path === '/v2/library/mirrored/manifests/latest' && r.ns === 'docker.io'), JSON.stringify(requests));
    assert.ok((await cri!.imageStatus('mirrored')).image?.repoTags.includes('docker.io/library/mirrored:latest'));
    await cri!.pullImage('quay.io/some/thing:latest');
    assert.ok(requests.some((r) => r.path === '/v2/some/thing/manifests/latest' && r.ns === 'quay.io'));
    // The real registry was asked first (and failed: no route out of the test netns).
    assert.match(fs.readFileSync(path.join(tmp, 'containerd.log'), 'utf8'), /msg="trying next host".*registry-1\.docker\.io\/v2\/library\/mirrored/);
    await cri!.removeImage('quay.io/some/thing:latest');
    assert.equal((await cri!.imageStatus('quay.io/some/thing:latest')).image, undefined);
  });

  const sandboxConfig = (name: string, network: 'NODE' | 'POD'): PodSandboxConfig => ({
    metadata: { name, uid: `uid-${name}-${id}`, namespace: 'default', attempt: 0 },
    hostname: network === 'POD' ? name : '',
    logDirectory: path.join(d.logs, name),
    linux: { cgroupParent, securityContext: { namespaceOptions: { network, pid: 'CONTAINER', ipc: 'POD' } } },
    labels: { 'svcnet.test': id },
  });
  const containerConfig = (name: string, network: 'NODE' | 'POD', command: string[]): ContainerConfig => ({
    metadata: { name, attempt: 0 },
    image: { image: BUSYBOX_REF },
    command,
    logPath: `${name}/0.log`,
    envs: [{ key: 'GREETING', value: 'hello' }],
    linux: { securityContext: { namespaceOptions: { network, pid: 'CONTAINER', ipc: 'POD' } } },
  });

  await t.test('hostNetwork pod: run, exec, exit code, logs, stop, remove', async () => {
    const sbCfg = sandboxConfig('web', 'NODE');
    fs.mkdirSync(sbCfg.logDirectory!, { recursive: true });
    const sb = await cri!.runPodSandbox(sbCfg);
    const sbs = await cri!.podSandboxStatus(sb, true);
    assert.equal(sbs.status.state, 'SANDBOX_READY');
    assert.equal(sbs.status.linux?.namespaces?.options?.network, 'NODE');
    assert.equal(sbs.status.metadata?.name, 'web');
    assert.ok(nanosToDate(sbs.status.createdAt).getTime() > started - 60_000);

    const c1 = await cri!.createContainer(sb, containerConfig('main', 'NODE', ['sh', '-c', 'echo $GREETING; echo oops >&2; exec sleep 1000']), sbCfg);
    assert.equal((await cri!.containerStatus(c1)).status.state, 'CONTAINER_CREATED');
    await cri!.startContainer(c1);
    const st = await cri!.containerStatus(c1, true);
    assert.equal(st.status.state, 'CONTAINER_RUNNING');
    assert.equal(st.status.logPath, path.join(sbCfg.logDirectory!, 'main/0.log'));
    assert.ok(st.status.imageRef.startsWith('sha256:'), st.status.imageRef);
    const pid = JSON.parse(st.info.info).pid as number;
    assert.ok(pid > 1 && fs.existsSync(`/proc/${pid}`), `pid ${pid} of the container is a host process`);

    // Own PID namespace: PID 1 is the container's command, not the host's init.
    const ps = await cri!.execSync(c1, ['cat', '/proc/1/cmdline'], 10);
    assert.equal(ps.exitCode, 0, ps.stderr.toString());
    assert.equal(ps.stdout.toString(), 'sleep\u00001000\u0000');
    // Own root file system: the host's /work is not there, busybox's /bin is.
    const ls = await cri!.execSync(c1, ['ls', '/work'], 10);
    assert.notEqual(ls.exitCode, 0);
    assert.match(ls.stderr.toString(), /No such file or directory/);
    assert.match((await cri!.execSync(c1, ['ls', '/bin'], 10)).stdout.toString(), /busybox/);
    const fail = await cri!.execSync(c1, ['sh', '-c', 'echo out; echo err >&2; exit 7'], 10);
    assert.deepEqual([fail.stdout.toString(), fail.stderr.toString(), fail.exitCode], ['out\n', 'err\n', 7]);

    // CRI log format: "<RFC3339Nano> <stream> F <line>".
    const logLines = await waitFor('two log lines', async () => {
      const p = st.status.logPath;
      const lines = fs.existsSync(p) ? fs.readFileSync(p, 'utf8').split('\n').filter(Boolean) : [];
      return lines.length >= 2 ? lines : undefined;
    });
    const parsed = logLines.map((l) => CRI_LOG_LINE.exec(l));
    assert.ok(parsed.every(Boolean), logLines.join('\n'));
    assert.deepEqual(parsed.map((m) => [m![4], m![5], m![6]]).sort(), [['stderr', 'F', 'oops'], ['stdout', 'F', 'hello']]);
    assert.ok(!Number.isNaN(Date.parse(parsed[0]![1])));
    await cri!.reopenContainerLog(c1);

    const c2 = await cri!.createContainer(sb, containerConfig('exiter', 'NODE', ['sh', '-c', 'echo bye; exit 3']), sbCfg);
    await cri!.startContainer(c2);
    const exited = await waitFor('exiter to exit', async () => {
      const s = (await cri!.containerStatus(c2)).status;
      return s.state === 'CONTAINER_EXITED' ? s : undefined;
    });
    assert.equal(exited.exitCode, 3);
    assert.equal(exited.reason, 'Error');
    assert.ok(nanosToDate(exited.finishedAt) >= nanosToDate(exited.startedAt));

    const listed = await cri!.listContainers({ podSandboxId: sb });
    assert.deepEqual(listed.map((c) => c.metadata?.name).sort(), ['exiter', 'main']);
    assert.deepEqual((await cri!.listContainers({ state: { state: 'CONTAINER_RUNNING' } })).map((c) => c.id), [c1]);

    await cri!.stopContainer(c1, 1);
    const stopped = (await cri!.containerStatus(c1)).status;
    assert.equal(stopped.state, 'CONTAINER_EXITED');
    assert.equal(fs.existsSync(`/proc/${pid}`), false);
    await cri!.removeContainer(c1);
    await cri!.removeContainer(c2);
    await assert.rejects(cri!.containerStatus(c1), (e: unknown) => e instanceof CriError && e.code === 5);
    await cri!.stopPodSandbox(sb);
    await cri!.removePodSandbox(sb);
    assert.deepEqual(await cri!.listPodSandbox({ labelSelector: { 'svcnet.test': id } }), []);
  });

  await t.test('POD network: CNI bridge + host-local gives the sandbox an IP', async () => {
    const conflist = {
      cniVersion: '0.4.0',
      name: cniNetwork,
      plugins: [
        {
          type: 'bridge',
          bridge: `cbr-${id}`,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', dataDir: d.cniData, ranges: [[{ subnet: '10.250.7.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
      ],
    };
    fs.writeFileSync(path.join(d.cniConf, '10-test.conflist'), JSON.stringify(conflist));
    await waitFor('NetworkReady', async () => ((await cri!.status()).status?.conditions.find((c) => c.type === 'NetworkReady')?.status ? true : undefined));

    const sbCfg = sandboxConfig('netpod', 'POD');
    fs.mkdirSync(sbCfg.logDirectory!, { recursive: true });
    const sb = await cri!.runPodSandbox(sbCfg);
    const st = await cri!.podSandboxStatus(sb);
    assert.match(st.status.network?.ip ?? '', /^10\.250\.7\.\d+$/);
    const c = await cri!.createContainer(sb, containerConfig('probe', 'POD', ['sleep', '1000']), sbCfg);
    await cri!.startContainer(c);
    const ip = await cri!.execSync(c, ['ip', '-4', '-o', 'addr', 'show', 'eth0'], 10);
    assert.match(ip.stdout.toString(), new RegExp(`inet ${st.status.network!.ip.replace(/\./g, '\\.')}/24`));
    assert.equal((await cri!.execSync(c, ['hostname'], 10)).stdout.toString().trim(), 'netpod');
    await cri!.stopPodSandbox(sb);
    await cri!.removePodSandbox(sb);
    assert.deepEqual(fs.readdirSync(path.join(d.cniData, cniNetwork)).filter((f) => /^\d/.test(f)), [], 'IP released');
  });

  console.log(`containerd root test: containerd ready + images built in ${bootMs} ms, total ${Date.now() - started} ms`);
});
