import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePool } from './pool';
import { IpAllocator } from './ip-allocator';

test('CIDR leaves out network and broadcast; ranges and single addresses are inclusive', () => {
  const p = parsePool('10.78.42.0/24, 10.78.43.10-10.78.43.12,10.78.44.7');
  assert.equal(p.size, 254 + 3 + 1);
  assert.ok(!p.contains('10.78.42.0'));
  assert.ok(p.contains('10.78.42.1'));
  assert.ok(p.contains('10.78.42.254'));
  assert.ok(!p.contains('10.78.42.255'));
  assert.ok(p.contains('10.78.43.12'));
  assert.ok(!p.contains('10.78.43.13'));
  assert.ok(p.contains('10.78.44.7'));
  assert.ok(!p.contains('not-an-ip'));
  assert.equal(parsePool('10.0.0.4/32').size, 1);
  assert.equal(parsePool('10.0.0.4/31').size, 2);
});

test('invalid pools are refused with the reason', () => {
  assert.throws(() => parsePool(''), /empty/);
  assert.throws(() => parsePool('10.0.0.0/33'), /not an IPv4 CIDR/);
  assert.throws(() => parsePool('10.0.0.9-10.0.0.1'), /end before start/);
  assert.throws(() => parsePool('10.0.0.0/24,10.0.0.5-10.0.0.6'), /overlap/);
  assert.throws(() => parsePool('10.0.0.0/8'), /wider than \/16/);
  assert.throws(() => parsePool('1.2.3'), /not an IPv4 address/);
});

test('allocation: lowest free, requested IP, conflicts, release, status restore', () => {
  const a = new IpAllocator(parsePool('10.0.0.10-10.0.0.12'));
  assert.deepEqual(a.ensure('ns/a', undefined, undefined), { ok: true, ip: '10.0.0.10' });
  assert.deepEqual(a.ensure('ns/a', undefined, undefined), { ok: true, ip: '10.0.0.10' }, 'stable');
  assert.deepEqual(a.ensure('ns/b', '10.0.0.12', undefined), { ok: true, ip: '10.0.0.12' });
  const taken = a.ensure('ns/c', '10.0.0.12', undefined);
  assert.equal(taken.ok, false);
  assert.match((taken as { reason: string }).reason, /10\.0\.0\.12 is already allocated to ns\/b/);
  const outside = a.ensure('ns/c', '192.0.2.1', undefined);
  assert.match((outside as { reason: string }).reason, /192\.0\.2\.1 is not in the pool/);
  assert.equal(a.ipOf('ns/c'), undefined, 'a failed request holds nothing');
  // restore from status when free
  assert.deepEqual(a.ensure('ns/c', undefined, '10.0.0.11'), { ok: true, ip: '10.0.0.11' });
  const full = a.ensure('ns/d', undefined, '10.0.0.11');
  assert.equal(full.ok, false);
  assert.match((full as { reason: string }).reason, /no available IPs/);
  // a Service switching to a requested IP frees its old one
  assert.equal(a.release('ns/b'), '10.0.0.12');
  assert.deepEqual(a.ensure('ns/a', '10.0.0.12', undefined), { ok: true, ip: '10.0.0.12' });
  assert.equal(a.holder('10.0.0.10'), undefined);
  assert.deepEqual(a.ensure('ns/d', undefined, undefined), { ok: true, ip: '10.0.0.10' });
  assert.equal(a.allocated, 3);
});

test('two Services never hold the same address', () => {
  const a = new IpAllocator(parsePool('10.0.0.0/28'));
  const seen = new Set<string>();
  for (let i = 0; i < 14; i++) {
    const r = a.ensure(`ns/s${i}`, undefined, i % 3 === 0 ? '10.0.0.5' : undefined);
    assert.ok(r.ok);
    assert.ok(!seen.has(r.ip), `duplicate ${r.ip}`);
    seen.add(r.ip);
  }
  assert.equal(a.ensure('ns/x', undefined, undefined).ok, false);
});
