// deploy/vm/install.sh on two "VMs": containers from the plain base image (Debian + node, no
// svcnet), one control plane and one node, on an --internal network. The bundle from
// make-bundle.sh is copied in, installed with --no-systemd, and the installed apps are
// started with /opt/svcnet/bin/svcnet-run exactly as the systemd units would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { ApiClient } from '@svcnet/api-client';
import { waitFor } from '@svcnet/test-harness';
import { SvcnetContainer, createInternalNetwork, deployment, service } from './cluster';

const BASE_IMAGE = process.env.SVCNET_BASE_IMAGE ?? 'svcnet/base:local';
const REPO = path.resolve(__dirname, '..', '..');
const log = (m: string) => process.stderr.write(`[e2e-vm] ${m}\n`);

let network: StartedNetwork | undefined;
let bundle = '';
let pki = '';
let client: ApiClient | undefined;
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
    const mk = spawnSync(path.join(REPO, 'deploy/vm/make-bundle.sh'), [bundle], { encoding: 'utf8' });
    assert.equal(mk.status, 0, mk.stderr);
    log(`${mk.stdout.trim()} in ${Date.now() - t0} ms`);
    ({ network } = await createInternalNetwork());
    for (const [name, node] of [['vm-1', false], ['vm-2', true]] as const) {
      const c = new SvcnetContainer(name, network, ['sleep', 'infinity'], BASE_IMAGE).withCopyFilesToContainer([{ source: bundle, target: '/root/svcnet.tar.gz' }]);
      c.withAddedCapabilities('NET_ADMIN'); // cloud-lb adds pool addresses on vm-1
      if (node) c.asNode();
      vms.set(name, await c.start());
      log(`${name} started (+${Date.now() - t0} ms)`);
    }
  });

  after(async () => {
    client?.close();
    if (process.env.E2E_DUMP_LOGS) for (const vm of vms.keys()) log(await sh(vm, 'tail -n 20 /var/log/svcnet-*.log').catch((e) => String(e)));
    const t = Date.now();
    await Promise.allSettled([...vms.values()].map((c) => c.stop({ remove: true, timeout: 2 })));
    await network?.stop().catch(() => undefined);
    log(`containers and network removed in ${Date.now() - t} ms`);
    if (bundle) fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  });

  test('control plane and node installed from the bundle serve a ClusterIP and DNS', async () => {
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
    await sh('vm-2', `${unpack} && /root/b/deploy/vm/install.sh --no-systemd --role node --pki /root/pki --apiserver ${cp}:6444 --node-name vm-2 --node-ip ${nodeIP}`);
    assert.match(await sh('vm-2', 'cat /etc/svcnet/node-agent.env'), /--node-name=vm-2 --cluster-dns=10\.96\.0\.10/);
    await sh('vm-2', 'test -f /etc/systemd/system/svcnet-node-agent.service && ! test -e /etc/svcnet/apiserver.env');
    await startApp('vm-2', 'node-agent');
    await waitFor('Node vm-2 Ready', async () => {
      const n: any = await client!.resource('nodes').get(undefined, 'vm-2');
      return n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
    }, 60_000, 500);

    const nodes = client.resource<any>('deployments');
    await nodes.create(deployment('web', { replicas: 2, labels: { app: 'web' }, image: 'nginx' }));
    const svc = await client.resource<any>('services').create(service('web', { selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 80 }] }));
    const ip = svc.spec.clusterIP;
    await waitFor(`curl ${ip}:8080 on vm-2`, async () => (await sh('vm-2', `curl -s -m 2 http://${ip}:8080/ || true`)).includes('Welcome to nginx!'), 90_000, 500);
    const a = await sh('vm-2', 'dig +short +time=2 @10.96.0.10 web.default.svc.cluster.local');
    assert.equal(a.trim(), ip);
    // the kubectl API of the installed apiserver, with the admin.kubeconfig install.sh made
    const k = spawnSync('kubectl', ['--kubeconfig', path.join(pki, 'admin.kubeconfig'), 'get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(k.status, 0, k.stderr);
    assert.equal(k.stdout.trim().split(/\s+/).length, 2);
  });
});
