import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpAllocator } from './ip-allocator';
import { gatewayIp, parseCidr, podRange, intToIp } from './pod-cidr';

test('pod CIDR: gateway is the first host address, pods get .2 .. .254 of a /24', () => {
  const c = parseCidr('10.244.1.0/24');
  assert.equal(gatewayIp(c), '10.244.1.1');
  const r = podRange(c);
  assert.equal(intToIp(r.first), '10.244.1.2');
  assert.equal(intToIp(r.last), '10.244.1.254');
  assert.throws(() => parseCidr('10.244.1.0/31'));
  assert.throws(() => parseCidr('10.244.300.0/24'));
});

test('allocator gives distinct IPs, is idempotent per uid, does not reuse a freed IP at once', () => {
  const a = new IpAllocator(parseCidr('10.244.1.0/24'));
  const ip1 = a.allocate('a');
  const ip2 = a.allocate('b');
  assert.equal(ip1, '10.244.1.2');
  assert.equal(ip2, '10.244.1.3');
  assert.equal(a.allocate('a'), ip1);
  a.release('a');
  assert.equal(a.allocate('c'), '10.244.1.4');
});

test('restored allocations survive a restart and are never handed to another pod', () => {
  const a = new IpAllocator(parseCidr('10.244.1.0/29')); // .2 .. .6
  assert.equal(a.restore('old', '10.244.1.2'), true);
  assert.equal(a.restore('other', '10.244.1.2'), false);
  assert.equal(a.restore('x', '10.9.9.9'), false);
  const got = ['p1', 'p2', 'p3', 'p4'].map((u) => a.allocate(u));
  assert.ok(!got.includes('10.244.1.2'));
  assert.throws(() => a.allocate('p5'), /exhausted/);
});
