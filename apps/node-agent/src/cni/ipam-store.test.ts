// File-based IPAM in a temp dir (no root needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CniError } from './cni-errors';
import { allocateIp, IpamStore } from './ipam-store';

function tmpStore(t: { after: (fn: () => void) => void }): IpamStore {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-ipam-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return new IpamStore(join(dir, 'ipam'));
}

const net = { subnet: '10.244.1.0/29', gateway: '10.244.1.1' };

test('allocates, records owner, reuses for the same container, releases', (t) => {
  const s = tmpStore(t);
  const a = allocateIp(s, { ...net, containerId: 'c1', ifname: 'eth0' });
  assert.deepEqual(a, { ip: '10.244.1.2', fresh: true });
  assert.equal(readFileSync(join(s.dir, '10.244.1.2'), 'utf8'), 'c1\neth0');
  assert.deepEqual(allocateIp(s, { ...net, containerId: 'c1', ifname: 'eth0' }), { ip: '10.244.1.2', fresh: false });
  assert.equal(allocateIp(s, { ...net, containerId: 'c2', ifname: 'eth0' }).ip, '10.244.1.3');
  assert.deepEqual(s.release('c1', 'eth0'), ['10.244.1.2']);
  assert.ok(!existsSync(join(s.dir, '10.244.1.2')));
  assert.deepEqual(s.release('c1', 'eth0'), []);
  // round robin: the freed .2 comes last
  assert.equal(allocateIp(s, { ...net, containerId: 'c3', ifname: 'eth0' }).ip, '10.244.1.4');
});

test('O_EXCL: a reserved IP cannot be reserved again; exhaustion is code 101', (t) => {
  const s = tmpStore(t);
  assert.equal(s.reserve('10.244.1.2', 'x', 'eth0'), true);
  assert.equal(s.reserve('10.244.1.2', 'y', 'eth0'), false);
  for (const id of ['a', 'b', 'c', 'd']) allocateIp(s, { ...net, containerId: id, ifname: 'eth0' });
  assert.throws(() => allocateIp(s, { ...net, containerId: 'e', ifname: 'eth0' }), (e) => e instanceof CniError && e.code === 101);
});
