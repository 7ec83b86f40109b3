// Root test: two "node" netns linked by a veth (their InternalIPs), a PodRuntime in each, routes
// to the other node's podCIDR from the Node objects: a pod on node A reaches a pod on node B.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, PodStatus } from '@svcnet/api-types';
import { NodeNetnsFixture, eventually, sh, type RuntimeDriver } from './pods/testing/node-netns-fixture';

const a = new NodeNetnsFixture();
const b = new NodeNetnsFixture();
let ra: RuntimeDriver;
let rb: RuntimeDriver;

const nodeObj = (name: string, ip: string, cidr: string): Node => ({ metadata: { name }, spec: { podCIDR: cidr }, status: { addresses: [{ type: 'InternalIP', address: ip }] } });
const nodes = [nodeObj('node-a', '192.168.91.1', '10.91.1.0/24'), nodeObj('node-b', '192.168.91.2', '10.91.2.0/24')];
const init = (fx: NodeNetnsFixture, name: string, ip: string, cidr: string) => ({
  nodeName: name,
  nodeIP: ip,
  podCIDR: cidr,
  stateDir: fx.stateDir,
  bridgeName: 'svcnet0',
  netnsPrefix: fx.podNsPrefix,
  dns: { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' },
});

before(async () => {
  a.setup();
  b.setup();
  // the "node network": one veth between the two node namespaces, nothing on the host
  sh('ip', ['-n', a.nodeNs, 'link', 'add', 'nodelink', 'type', 'veth', 'peer', 'name', 'nodelink', 'netns', b.nodeNs]);
  sh('ip', ['-n', a.nodeNs, 'addr', 'add', '192.168.91.1/24', 'dev', 'nodelink']);
  sh('ip', ['-n', b.nodeNs, 'addr', 'add', '192.168.91.2/24', 'dev', 'nodelink']);
  sh('ip', ['-n', a.nodeNs, 'link', 'set', 'nodelink', 'up']);
  sh('ip', ['-n', b.nodeNs, 'link', 'set', 'nodelink', 'up']);
  ra = a.startDriver();
  rb = b.startDriver();
  await ra.call('init', init(a, 'node-a', '192.168.91.1', '10.91.1.0/24'));
  await rb.call('init', init(b, 'node-b', '192.168.91.2', '10.91.2.0/24'));
});

after(async () => {
  await a.cleanup();
  await b.cleanup();
});

test('pods on different nodes reach each other through the node routes', async () => {
  await ra.call('routes', nodes);
  await rb.call('routes', nodes);
  assert.match(a.inNode('ip', ['route', 'show', '10.91.2.0/24']), /via 192\.168\.91\.2/);
  assert.match(b.inNode('ip', ['route', 'show', '10.91.1.0/24']), /via 192\.168\.91\.1/);
  const server: Pod = { metadata: { name: 'srv', namespace: 'x', uid: `${b.suffix}00-aaaa-4bbb-8ccc-000000000001` }, spec: { nodeName: 'node-b', containers: [{ name: 'w', image: 'traefik/whoami' }] } };
  const client: Pod = { metadata: { name: 'cli', namespace: 'x', uid: `${a.suffix}00-aaaa-4bbb-8ccc-000000000002` }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } };
  const s = await rb.call<{ ip: string }>('sync', server);
  const c = await ra.call<{ ip: string; netns: string }>('sync', client);
  await eventually('server running', async () => (await rb.call<PodStatus | null>('status', server))?.phase === 'Running');
  const body = await eventually('cross-node answer', () => sh('ip', ['netns', 'exec', c.netns, 'curl', '-sS', '--max-time', '2', `http://${s.ip}/`], { allowFail: true }));
  assert.match(body, /^Hostname: srv$/m);
  // no NAT between nodes: the server sees the client pod's own IP
  assert.match(body, new RegExp(`^RemoteAddr: ${c.ip.replace(/\./g, '\\.')}:\\d+$`, 'm'));
  // a node that disappears loses its route
  await ra.call('routes', [nodes[0]]);
  assert.equal(a.inNode('ip', ['route', 'show', '10.91.2.0/24']).trim(), '');
});
