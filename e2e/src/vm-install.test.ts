// deploy/vm/install.sh on two "VMs": containers from the plain base image (Debian + node, no
// svcnet), one control plane and one node, on an --internal network. The bundle from
// make-bundle.sh is copied in, installed with --no-systemd, and the installed apps are
// started with /opt/svcnet/bin/svcnet-run exactly as the systemd units would; on the node,
// containerd runs with the ExecStart of the containerd.service drop-in install.sh wrote, and pulls
// nginx through --registry-mirror (a registry container serving the stand-in images).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { ApiClient } from '@svcnet/api-client';
import { waitFor } from '@svcnet/test-harness';
import { Wait } from 'testcontainers';
import { IMAGE, STANDINS_LAYOUT, SvcnetContainer, createInternalNetwork, deployment, removePodCgroups, service } from './cluster';

const BASE_IMAGE = process.env.SVCNET_BASE_IMAGE ?? 'svcnet/base:local';
const REPO = path.resolve(__dirname, '..', '..');
const log = (m: string) => process.stderr.write(`[e2e-vm] ${m}\n`);

let network: StartedNetwork | undefined;
let bundle = '';
let pki = '';
let client: ApiClient | undefined;
let registryIP = '';
let startedAt = 0;
const vms = new Map<string, StartedTestContainer>();

async function sh(vm: string, cmd: string): Promise<string> {
  const r = await vms.get(vm)!.exec(['bash', '-c', cmd]);
  if (r.exitCode !== 0) throw new Error(`${vm}: ${cmd}: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const ipOf = (vm: string) => vms.get(vm)!.getIpAddress(network!.getName());
/** start an installed app in the background, like its unit: svcnet-run <app> */
const startApp = (vm: string, app: string) => sh(vm, `setsid nohup /opt/svcnet/bin/svcnet-run ${app} >/var/log/svcnet-${app}.log 2>&1 < /dev/null & echo started`);

describe('deploy/vm/install.sh on two base-image containers', { timeout: 5 * 60_000 }, () => {
  before(async () => {
    bundle = path.join(fs.mkdtempSync('/var/tmp/svcnet-e2e-vm-'), 'svcnet.tar.gz');
    pki = path.join(path.dirname(bundle), 'pki');
    fs.mkdirSync(pki);
    const t0 = Date.now();
    startedAt = t0;
    const mk = spawnSync(path.join(REPO, 'deploy/vm/make-bundle.sh'), [bundle], { encoding: 'utf8' });
    assert.equal(mk.status, 0, mk.stderr);
    log(`${mk.stdout.trim()} in ${Date.now() - t0} ms`);
    let prefix: string;
    ({ network, prefix } = await createInternalNetwork());
    registryIP = `${prefix}.5`;
    // the LAN's image registry (stand-ins for nginx and the pause image), as in the Compose topology
    const registry = new SvcnetContainer('registry', network, ['svcnet-registry', '--listen=0.0.0.0:5000', '--storage=/var/lib/registry', '--layout=/standins/layout'], IMAGE, registryIP)
      .withBindMounts([{ source: STANDINS_LAYOUT, target: '/standins/layout', mode: 'ro' }])
      .withWaitStrategy(Wait.forLogMessage(/"ready":true/))
      .start()
      .then((c) => void vms.set('registry', c));
    registry.catch(() => undefined);
    for (const [name, node, ip] of [['vm-1', false, `${prefix}.10`], ['vm-2', true, `${prefix}.11`]] as const) {
      const c = new SvcnetContainer(name, network, ['sleep', 'infinity'], BASE_IMAGE, ip).withCopyFilesToContainer([{ source: bundle, target: '/root/svcnet.tar.gz' }]);
      c.withAddedCapabilities('NET_ADMIN'); // cloud-lb adds pool addresses on vm-1
      // the node VM runs containerd; its LAN DNS is the control plane's svcnet dns
      if (node) c.withContainerd(`${prefix}.10`);
      vms.set(name, await c.start());
      log(`${name} started (+${Date.now() - t0} ms)`);
    }
    await registry;
    log(`registry ready (+${Date.now() - t0} ms)`);
  });

  after(async () => {
    client?.close();
    if (process.env.E2E_DUMP_LOGS) for (const vm of vms.keys()) log(await sh(vm, 'tail -n 20 /var/log/svcnet-*.log').catch((e) => String(e)));
    const t = Date.now();
    await Promise.allSettled([...vms.entries()].map(async ([n, c]) => {
      const t1 = Date.now();
      await c.stop({ remove: true, removeVolumes: true, timeout: 2 });
      log(`${n} removed in ${Date.now() - t1} ms`);
    }));
    await removePodCgroups(['vm-2'], startedAt);
    await network?.stop().catch(() => undefined);
    log(`containers and network removed in ${Date.now() - t} ms`);
    if (bundle) fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  });

  test('control plane and node installed from the bundle serve a ClusterIP and DNS', async () => {
    const t0 = Date.now();
    const step = (m: string) => log(`${m} (+${Date.now() - t0} ms)`);
    const cp = ipOf('vm-1');
    const nodeIP = ipOf('vm-2');
    const unpack = 'mkdir -p /root/b && tar -C /root/b -xzf /root/svcnet.tar.gz';
    const out1 = await sh('vm-1', `${unpack} && /root/b/deploy/vm/install.sh --no-systemd --role control-plane --make-pki --advertise-ip ${cp} --lb-pool ${cp.replace(/\d+$/, '250')} --lb-interface eth0`);
    assert.match(out1, /not starting anything/);
    // the layout a VM gets: tree, env files with the flags, units
    await sh('vm-1', 'test -x /opt/svcnet/bin/svcnet-run && test -f /opt/svcnet/apps/apiserver/dist/main.js && test -f /etc/systemd/system/svcnet-apiserver.service && grep -q "ExecStart=/opt/svcnet/bin/svcnet-run apiserver" /etc/systemd/system/svcnet-apiserver.service');
    assert.match(await sh('vm-1', 'cat /etc/svcnet/endpoints-controller.env'), new RegExp(`--apiserver=${cp}:6444 --tls-ca-file=/etc/svcnet/pki/ca.crt --tls-cert-file=/etc/svcnet/pki/endpoints-controller.crt`));
    // the admin's credentials and the node's certificate, as an operator would copy them
    for (const f of ['ca.crt', 'admin.crt', 'admin.key', 'admin.kubeconfig', 'node-agent.crt', 'node-agent.key']) fs.writeFileSync(path.join(pki, f), await sh('vm-1', `cat /etc/svcnet/pki/${f}`));

    for (const app of ['apiserver', 'endpoints-controller', 'workload-controller', 'dns', 'cloud-lb']) await startApp('vm-1', app);
    client = new ApiClient({ address: `${cp}:6444`, caFile: path.join(pki, 'ca.crt'), certFile: path.join(pki, 'admin.crt'), keyFile: path.join(pki, 'admin.key'), timeoutMs: 10_000 });
    await waitFor('installed apiserver answers', async () => (await client!.resource('namespaces').list()).items.length > 0, 30_000, 300);
    assert.match(await sh('vm-1', `svcnet-ctl --apiserver=${cp}:6444 --tls-ca-file=/etc/svcnet/pki/ca.crt --tls-cert-file=/etc/svcnet/pki/admin.crt --tls-private-key-file=/etc/svcnet/pki/admin.key bootstrap --dns-ip=${cp}`), /kube-dns/);

    await vms.get('vm-2')!.copyContentToContainer(['ca.crt', 'node-agent.crt', 'node-agent.key'].map((f) => ({ content: fs.readFileSync(path.join(pki, f)), target: `/root/pki/${f}` })));
    await sh('vm-2', `${unpack} && /root/b/deploy/vm/install.sh --no-systemd --role node --pki /root/pki --apiserver ${cp}:6444 --node-name vm-2 --node-ip ${nodeIP} --registry-mirror http://${registryIP}:5000`);
    const env = await sh('vm-2', 'cat /etc/svcnet/node-agent.env');
    assert.match(env, /--node-name=vm-2 --cluster-dns=10\.96\.0\.10/);
    assert.match(env, /--container-runtime-endpoint=unix:\/\/\/run\/containerd\/containerd\.sock --runtime-state-dir=\/run\/containerd --cni-bin-dir=\/var\/lib\/svcnet\/cni\/bin --cni-conf-dir=\/var\/lib\/svcnet\/cni\/net\.d/);
    await sh('vm-2', 'test -f /etc/systemd/system/svcnet-node-agent.service && ! test -e /etc/svcnet/apiserver.env && test -f /lib/systemd/system/containerd.service');
    // containerd as systemd would run it: Debian's unit with the ExecStart of svcnet's drop-in
    const dropIn = await sh('vm-2', 'cat /etc/systemd/system/containerd.service.d/10-svcnet.conf');
    const execStart = dropIn.split('\n').filter((l) => /^ExecStart=./.test(l)).pop()!.slice('ExecStart='.length);
    assert.equal(execStart, '/usr/bin/containerd --config /etc/svcnet/containerd/config.toml');
    const config = await sh('vm-2', 'cat /etc/svcnet/containerd/config.toml');
    assert.match(config, /restrict_oom_score_adj = true/);
    assert.match(config, /bin_dir = "\/var\/lib\/svcnet\/cni\/bin"/);
    assert.match(await sh('vm-2', 'cat /etc/svcnet/containerd/certs.d/docker.io/hosts.toml'), new RegExp(`\\[host\\."http://${registryIP.replace(/\./g, '\\.')}:5000"\\]`));
    await sh('vm-2', `mkdir -p /var/log/svcnet && setsid nohup ${execStart} >/var/log/svcnet-containerd.log 2>&1 < /dev/null & for i in $(seq 1 100); do ctr version >/dev/null 2>&1 && exit 0; sleep 0.1; done; tail -20 /var/log/svcnet-containerd.log; exit 1`);
    step('vm-2 installed, containerd up');
    await startApp('vm-2', 'node-agent');
    await waitFor('Node vm-2 Ready', async () => {
      const n: any = await client!.resource('nodes').get(undefined, 'vm-2');
      return n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
    }, 60_000, 500);
    step('Node vm-2 Ready');

    const nodes = client.resource<any>('deployments');
    await nodes.create(deployment('web', { replicas: 2, labels: { app: 'web' }, image: 'nginx' }));
    // the pods are containerd's: nginx pulled through the mirror, running in its own root file system
    await waitFor('2 nginx containers running on vm-2', async () => (await sh('vm-2', 'ctr -n k8s.io tasks ls | grep -c RUNNING || true')).trim() === '4', 90_000, 500); // 2 sandboxes + 2 nginx
    step('nginx pods running');
    const svc = await client.resource<any>('services').create(service('web', { selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 80 }] }));
    const ip = svc.spec.clusterIP;
    await waitFor(`curl ${ip}:8080 on vm-2`, async () => (await sh('vm-2', `curl -s -m 2 http://${ip}:8080/ || true`)).includes('Welcome to nginx!'), 90_000, 500);
    step('ClusterIP answers');
    const a = await sh('vm-2', 'dig +short +time=2 @10.96.0.10 web.default.svc.cluster.local');
    assert.equal(a.trim(), ip);
    // the kubectl API of the installed apiserver, with the admin.kubeconfig install.sh made
    const k = spawnSync('kubectl', ['--kubeconfig', path.join(pki, 'admin.kubeconfig'), 'get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(k.status, 0, k.stderr);
    assert.equal(k.stdout.trim().split(/\s+/).length, 2);
  });
});
