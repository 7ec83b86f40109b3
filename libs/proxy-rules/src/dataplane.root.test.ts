// Real traffic through the rendered rules: a node namespace with a bridge, three echo pods,
// a client pod and an outside host (see @svcnet/netns TestTopology). Each test renders the
// ruleset for its scenario, diffs it against the kernel and applies it, as the node-agent does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NftExecutor, render } from '@svcnet/nftables';
import { TestTopology, hostnameOf, remoteIPOf } from '@svcnet/netns/testing';
import type { EndpointSlice, Service } from '@svcnet/api-types';
import { renderRuleset } from './render-ruleset';
import { diff } from './diff';
import { conntrackDeleteArgs, staleUdpEndpoints } from './stale-udp';
import { ep, slice, svc } from './testing';
import type { Ruleset } from './ruleset';

const NODE = 'node-a';
let topo: TestTopology;
let nft: NftExecutor;
const services = new Map<string, Service>();
const slices = new Map<string, EndpointSlice>();
let lastRuleset: Ruleset | undefined;

before(async () => {
  topo = await TestTopology.create({ pods: 3 });
  nft = new NftExecutor({ netns: topo.nodeNs });
});
after(async () => {
  if (topo) await topo.dispose();
});

async function sync(): Promise<Ruleset> {
  const desired = renderRuleset({
    services: [...services.values()],
    endpointSlices: [...slices.values()],
    nodeName: NODE,
    nodeIPs: [topo.nodeExternalIP],
    clusterCIDRs: [topo.clusterCIDR],
  });
  await nft.apply(diff(await nft.read('ip', 'svcnet'), desired));
  lastRuleset = desired;
  return desired;
}

function expose(name: string, spec: Service['spec'], podIdx: number[], opts: { udp?: boolean; node?: (i: number) => string } = {}): void {
  services.set(name, svc('default', name, spec));
  const protocol = opts.udp ? 'UDP' : 'TCP';
  const port = opts.udp ? topo.udpPort : topo.tcpPort;
  slices.set(name, slice('default', name, `${name}-1`, [{ name: 'p', port, protocol }], podIdx.map((i) => ep(topo.pods[i].ip, { node: opts.node?.(i) ?? NODE }))));
}

async function get(netns: string, url: string) {
  const r = await topo.httpGet(netns, url);
  assert.equal(r.code, 0, `curl ${url}: ${r.stderr}`);
  return { host: hostnameOf(r.stdout), remote: remoteIPOf(r.stdout) };
}

test('ClusterIP spreads over all 3 backends and keeps the client pod IP; a restart sync is a no-op', async () => {
  expose('web', { clusterIP: '10.96.0.10', type: 'NodePort', ports: [{ name: 'p', port: 80, nodePort: 30080 }] }, [0, 1, 2]);
  await sync();
  // What the kernel lists back diffs to nothing: an agent restart changes no rule.
  const again = diff(await nft.read('ip', 'svcnet'), lastRuleset!);
  assert.equal(again.size, 0, render(again));
  const seen = new Map<string, number>();
  for (let i = 0; i < 60; i++) {
    const r = await get(topo.client.netns, 'http://10.96.0.10/');
    assert.equal(r.remote, topo.client.ip, 'pod-to-service traffic must keep the pod source IP');
    seen.set(r.host!, (seen.get(r.host!) ?? 0) + 1);
  }
  assert.deepEqual([...seen.keys()].sort(), ['pod-0', 'pod-1', 'pod-2'], JSON.stringify([...seen]));
});

test('NodePort from the outside host, masqueraded (externalTrafficPolicy Cluster)', async () => {
  const r = await get(topo.outsideNs, `http://${topo.nodeExternalIP}:30080/`);
  assert.match(r.host!, /^pod-[012]$/);
  assert.equal(r.remote, topo.nodeBridgeIP);
});

test('hairpin: a pod reaches itself through its service', async () => {
  expose('self', { clusterIP: '10.96.0.11', ports: [{ name: 'p', port: 80 }] }, [0]);
  await sync();
  const r = await get(topo.pods[0].netns, 'http://10.96.0.11/');
  assert.equal(r.host, 'pod-0');
  assert.equal(r.remote, topo.nodeBridgeIP, 'hairpin traffic is masqueraded to the node');
});

test('a service without endpoints refuses connections (reset, not a timeout)', async () => {
  expose('empty', { clusterIP: '10.96.0.12', ports: [{ name: 'p', port: 80 }] }, []);
  await sync();
  // exit 7 (refused by a reset), not 28 (curl's own 5 s timeout): the reject is immediate
  const r = await topo.httpGet(topo.client.netns, 'http://10.96.0.12/', 5);
  assert.equal(r.code, 7, `curl exit ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, /Connection refused|Couldn't connect/);
});

test('ClientIP affinity: 15 identical answers in a row', async () => {
  expose('sticky', { clusterIP: '10.96.0.13', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ name: 'p', port: 80 }] }, [0, 1, 2]);
  await sync();
  const hosts = new Set<string>();
  for (let i = 0; i < 15; i++) hosts.add((await get(topo.client.netns, 'http://10.96.0.13/')).host!);
  assert.equal(hosts.size, 1, [...hosts].join());
});

test('externalTrafficPolicy Local keeps the outside source IP and uses only local endpoints', async () => {
  // pod-1 pretends to live on another node.
  expose('local', { clusterIP: '10.96.0.14', type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'p', port: 80, nodePort: 30081 }] }, [0, 1], {
    node: (i) => (i === 0 ? NODE : 'node-b'),
  });
  await sync();
  for (let i = 0; i < 10; i++) {
    const r = await get(topo.outsideNs, `http://${topo.nodeExternalIP}:30081/`);
    assert.equal(r.host, 'pod-0');
    assert.equal(r.remote, topo.outsideIP);
  }
});

test('UDP: after an endpoint is removed, deleting its conntrack entries moves a fixed-port client', async () => {
  expose('dns', { clusterIP: '10.96.0.53', ports: [{ name: 'p', port: 53, protocol: 'UDP' }] }, [0], { udp: true });
  const before = await sync();
  const ask = async () => hostnameOf((await topo.udpRequest(topo.client.netns, '10.96.0.53', 53, 40053)).stdout);
  assert.equal(await ask(), 'pod-0');
  expose('dns', { clusterIP: '10.96.0.53', ports: [{ name: 'p', port: 53, protocol: 'UDP' }] }, [1], { udp: true });
  const afterRs = await sync();
  // pod-0 still runs: without the conntrack cleanup the flow would stay stuck on it.
  assert.equal(await ask(), 'pod-0', 'stale conntrack entry should still point at pod-0');
  const calls = conntrackDeleteArgs(staleUdpEndpoints(before, afterRs));
  assert.deepEqual(calls, [['-D', '-p', 'udp', '--orig-dst', '10.96.0.53', '--dst-nat', topo.pods[0].ip]]);
  for (const args of calls) await topo.exec(topo.nodeNs, 'conntrack', args);
  assert.equal(await ask(), 'pod-1');
});

test('loadBalancerSourceRanges: the LB IP answers clients inside the ranges and drops the others', async () => {
  await topo.exec(topo.outsideNs, 'ip', ['route', 'replace', '192.168.201.0/24', 'via', topo.nodeExternalIP]);
  const lb = (ranges: string[]) => {
    expose('lb', { clusterIP: '10.96.0.20', type: 'LoadBalancer', loadBalancerSourceRanges: ranges, ports: [{ name: 'p', port: 80, nodePort: 30090 }] }, [0, 1, 2]);
    services.set('lb', { ...services.get('lb')!, status: { loadBalancer: { ingress: [{ ip: '192.168.201.10' }] } } });
  };
  lb([`${topo.outsideIP}/32`]);
  await sync();
  assert.match((await get(topo.outsideNs, 'http://192.168.201.10/')).host!, /^pod-[012]$/);
  lb(['10.0.0.0/8']);
  await sync();
  const r = await topo.httpGet(topo.outsideNs, 'http://192.168.201.10/', 2);
  assert.equal(r.code, 28, `expected a timeout (dropped), got exit ${r.code}: ${r.stdout}${r.stderr}`);
  // the ranges apply to the LB IP only: the NodePort and the ClusterIP still answer
  assert.match((await get(topo.outsideNs, `http://${topo.nodeExternalIP}:30090/`)).host!, /^pod-[012]$/);
  assert.match((await get(topo.client.netns, 'http://10.96.0.20/')).host!, /^pod-[012]$/);
});
