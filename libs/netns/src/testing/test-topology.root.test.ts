import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestTopology, hostnameOf, remoteIPOf } from './test-topology';
import { createNetns, deleteNetns, netnsExists } from '../netns';
import { getSysctl } from '../sysctl';

test('netns create/delete is idempotent on delete', async () => {
  const name = `svcnet-t-${process.pid}-x`;
  await createNetns(name);
  try {
    assert.ok(netnsExists(name));
    assert.equal(await getSysctl(name, 'net.ipv4.ip_forward'), '0');
  } finally {
    await deleteNetns(name);
  }
  assert.ok(!netnsExists(name));
  await deleteNetns(name);
});

test('topology: pods reach each other through the node, seeing real source IPs', async (t) => {
  const topo = await TestTopology.create({ pods: 2 });
  t.after(() => topo.dispose());
  const [p0, p1] = topo.pods;
  const r = await topo.httpGet(topo.client.netns, `http://${p0.ip}:${topo.tcpPort}/`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(hostnameOf(r.stdout), 'pod-0');
  assert.equal(remoteIPOf(r.stdout), topo.client.ip);
  const u = await topo.udpRequest(topo.client.netns, p1.ip, topo.udpPort);
  assert.equal(hostnameOf(u.stdout), 'pod-1', u.stderr);
  // The outside host has no route into the pod network (only the node's NodePorts will do).
  const o = await topo.httpGet(topo.outsideNs, `http://${p0.ip}:${topo.tcpPort}/`, 1);
  assert.notEqual(o.code, 0);
  await topo.dispose();
  assert.ok(!netnsExists(topo.nodeNs) && !netnsExists(p0.netns) && !netnsExists(topo.outsideNs));
});
