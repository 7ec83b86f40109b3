// Root test: two nodes (ContainerdNode: a netns, a private containerd and the real node-agent
// each) linked by a veth that carries their InternalIPs, one apiserver assigning their pod
// CIDRs. Each agent routes to the other node's podCIDR from the Node objects: a pod on node A
// reaches a pod on node B without NAT, and a Node that disappears loses its route.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { ApiClient } from '@svcnet/api-client';
import type { Namespace, Node, Pod } from '@svcnet/api-types';
import { startApp, waitFor, type AppProcess } from '@svcnet/test-harness';
import { ContainerdNode, TEST_IMAGE, sh } from './testing/containerd-node';

const suffix = randomBytes(3).toString('hex');
const work = `/var/tmp/svcnet-xnode-it-${suffix}`;
const sock = `unix://${work}/api.sock`;
const NS = 'x';
const A_IP = '192.168.91.1';
const B_IP = '192.168.91.2';
const CLUSTER_CIDR = '10.91.0.0/16';

let api: AppProcess | undefined;
let client: ApiClient;
const agentArgs = [`--cluster-cidr=${CLUSTER_CIDR}`];
// pod CIDRs are the apiserver's (spec.podCIDR), the ones the other node routes
const a = new ContainerdNode({ nodeName: `xa-${suffix}`, nodeIP: A_IP, apiserver: sock, uplink: { ifname: 'nodelink', prefixLen: 24 }, agentArgs });
const b = new ContainerdNode({ nodeName: `xb-${suffix}`, nodeIP: B_IP, apiserver: sock, uplink: { ifname: 'nodelink', prefixLen: 24 }, agentArgs });

before(async () => {
  fs.mkdirSync(work, { recursive: true });
  api = await startApp({ app: 'apiserver', args: [`--storage=file:${work}/data`, `--grpc-listen=${sock}`, '--insecure', '--health-port=0', '--bookmark-interval=1', `--cluster-cidr=${CLUSTER_CIDR}`] });
  client = new ApiClient({ address: sock, insecure: true, timeoutMs: 10000 });
  await client.resource<Namespace>('namespaces').create({ metadata: { name: NS } });
  a.createNetns();
  b.createNetns();
  // the "node network": one veth between the two node namespaces, nothing on the host
  sh('ip', ['-n', a.netns, 'link', 'add', 'nodelink', 'type', 'veth', 'peer', 'name', 'nodelink', 'netns', b.netns]);
  await Promise.all([a.start(), b.start()]);
});

after(async () => {
  await Promise.all([a.cleanup(), b.cleanup()]);
  client?.close();
  await api?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const pods = () => client.resource<Pod>('pods');
const logs = () => `${a.logs()}\n${b.logs()}`;

async function runningPod(name: string): Promise<Pod> {
  try {
    return await waitFor(`${name} running`, async () => {
      const p = await pods().get(NS, name);
      return p.status?.phase === 'Running' && p.status.podIP && p.status.containerStatuses?.[0]?.ready ? p : undefined;
    }, 90_000, 300);
  } catch (e) {
    (e as Error).message += `\n${logs()}`;
    throw e;
  }
}

test('pods on different nodes reach each other through the node routes', { timeout: 240_000 }, async () => {
  const nodes = client.resource<Node>('nodes');
  const cidrA = (await nodes.get(undefined, a.o.nodeName)).spec!.podCIDR!;
  const cidrB = (await nodes.get(undefined, b.o.nodeName)).spec!.podCIDR!;
  assert.notEqual(cidrA, cidrB);
  // each agent routes the other's pod CIDR via the other's InternalIP
  await waitFor('route to B on A', () => /via 192\.168\.91\.2/.test(a.inNode('ip', ['route', 'show', cidrB])), 15_000);
  await waitFor('route to A on B', () => /via 192\.168\.91\.1/.test(b.inNode('ip', ['route', 'show', cidrA])), 15_000);

  // a server (busybox httpd; its CGI says who is asking) on B, a client on A
  const server = [
    'mkdir -p /www/cgi-bin',
    `printf '%s\\n' '#!/bin/sh' 'printf "Content-Type: text/plain\\r\\n\\r\\n"' 'echo "Hostname: $(hostname)"' 'echo "RemoteAddr: $REMOTE_ADDR:$REMOTE_PORT"' > /www/cgi-bin/whoami`,
    'chmod +x /www/cgi-bin/whoami',
    'exec httpd -f -p 0.0.0.0:80 -h /www',
  ].join(' && ');
  await pods().create({ metadata: { name: 'srv', namespace: NS }, spec: { nodeName: b.o.nodeName, terminationGracePeriodSeconds: 1, containers: [{ name: 'w', image: TEST_IMAGE, command: ['sh', '-c', server] }] } });
  await pods().create({ metadata: { name: 'cli', namespace: NS }, spec: { nodeName: a.o.nodeName, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: TEST_IMAGE, command: ['sleep', '3600'] }] } });
  const srv = await runningPod('srv');
  const cli = await runningPod('cli');
  assert.ok(cidrContains(cidrB, srv.status!.podIP!), `${srv.status!.podIP} in ${cidrB}`);
  assert.ok(cidrContains(cidrA, cli.status!.podIP!), `${cli.status!.podIP} in ${cidrA}`);

  const pid = a.containerPid(cli.status!.containerStatuses![0].containerID!);
  // from inside the client container: its own wget, its own network namespace (no -T: this
  // busybox's (Debian 1.35.0 static) wget segfaults with -T; the timeout is execFileSync's)
  const body = await waitFor('cross-node answer', () => sh('nsenter', ['-t', String(pid), '-n', '-m', 'wget', '-qO-', `http://${srv.status!.podIP}/cgi-bin/whoami`], { allowFail: true, timeoutMs: 5000 }), 30_000, 300).catch((e) => {
    (e as Error).message += `\n${logs()}`;
    throw e;
  });
  assert.match(body, /^Hostname: srv$/m);
  // no NAT between nodes: the server sees the client pod's own IP
  assert.match(body, new RegExp(`^RemoteAddr: ${cli.status!.podIP!.replace(/\./g, '\\.')}:\\d+$`, 'm'));

  // a node that disappears loses its route: B's agent stops, its Node is deleted
  await b.agent!.stop();
  await nodes.delete(undefined, b.o.nodeName);
  await waitFor('route to B removed on A', () => a.inNode('ip', ['route', 'show', cidrB]).trim() === '', 15_000).catch((e) => {
    (e as Error).message += `\n${a.logs()}`;
    throw e;
  });
});

function cidrContains(cidr: string, ip: string): boolean {
  const [base, len] = cidr.split('/');
  const n = (s: string) => s.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = 2 ** 32 - 2 ** (32 - Number(len));
  return (n(ip) & mask) >>> 0 === (n(base) & mask) >>> 0;
}
