import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, cidrCovers, cidrFamily, cidrLast, cidrNth, cidrsOverlap, compareIP, expandIPv6, formatCIDR, formatIPv4, formatIPv6, ipFamily, joinHostPort, parseCIDR, parseIPv4, parseIPv4Prefix, parseIPv6, specialRange } from './index';

test('parseIPv4 / formatIPv4', () => {
  const cases: [string, number | null][] = [
    ['10.96.0.1', 0x0a600001],
    ['255.255.255.255', 0xffffffff],
    ['0.0.0.0', 0],
    ['10.96.0', null],
    ['10.96.0.256', null],
    ['10.096.0.1', null],
    ['a.b.c.d', null],
    ['', null],
  ];
  for (const [text, want] of cases) {
    assert.equal(parseIPv4(text), want, text);
    if (want !== null) assert.equal(formatIPv4(want), text);
  }
});

test('parseCIDR clears host bits and contains() checks bounds', () => {
  const c = parseCIDR('10.100.3.4/12')!;
  assert.equal(formatCIDR(c), '10.96.0.0/12');
  assert.equal(c.size, 1 << 20);
  assert.ok(cidrContains(c, parseIPv4('10.111.255.255')!));
  assert.ok(!cidrContains(c, parseIPv4('10.112.0.0')!));
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/x', 'x/8']) assert.equal(parseCIDR(bad), null, bad);
});

test('cidrContains takes text too; text that is no address is outside', () => {
  const c = parseCIDR('10.244.1.0/24')!;
  assert.ok(cidrContains(c, '10.244.1.255'));
  assert.ok(!cidrContains(c, '10.244.2.0'));
  assert.ok(!cidrContains(c, 'nonsense'));
});

test('overlap, cover, nth and last', () => {
  const wide = parseCIDR('10.244.0.0/16')!;
  const inner = parseCIDR('10.244.3.0/24')!;
  const other = parseCIDR('10.245.0.0/24')!;
  assert.ok(cidrsOverlap(wide, inner) && cidrsOverlap(inner, wide));
  assert.ok(!cidrsOverlap(wide, other));
  assert.ok(cidrCovers(wide, inner) && !cidrCovers(inner, wide));
  assert.equal(formatIPv4(cidrNth(inner, 1)), '10.244.3.1');
  assert.equal(formatIPv4(cidrLast(inner)), '10.244.3.255');
  assert.throws(() => cidrNth(inner, 256), RangeError);
});

test('parseIPv4Prefix keeps host bits; cidrFamily accepts both families as validation does', () => {
  assert.deepEqual(parseIPv4Prefix('10.244.1.1/24'), { ip: parseIPv4('10.244.1.1'), prefix: 24 });
  assert.equal(parseIPv4Prefix('10.244.1.1'), null);
  assert.equal(cidrFamily('10.0.0.0/8'), 4);
  assert.equal(cidrFamily('fd00::/64'), 6);
  assert.equal(cidrFamily('fd00::/129'), 0);
  assert.equal(cidrFamily('10.0.0.0/33'), 0);
  assert.equal(cidrFamily('10.0.0.0'), 0);
});

test('compareIP: numeric for IPv4, string order otherwise', () => {
  assert.ok(compareIP('10.0.0.9', '10.0.0.10') < 0);
  assert.equal(compareIP('10.0.0.9', '10.0.0.9'), 0);
  assert.ok(compareIP('fd00::2', 'fd00::10') > 0);
});

test('families, IPv6 text and special ranges', () => {
  assert.equal(ipFamily('10.0.0.1'), 4);
  assert.equal(ipFamily('fd00::1'), 6);
  assert.equal(ipFamily('010.0.0.1'), 0);
  assert.equal(joinHostPort('fd00::1', 80), '[fd00::1]:80');
  assert.equal(joinHostPort('10.0.0.1', 80), '10.0.0.1:80');
  assert.deepEqual(parseIPv6('2001:db8::1'), [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  assert.equal(formatIPv6(parseIPv6('2001:0db8:0:0:0:0:0:1')), '2001:db8::1');
  assert.equal(expandIPv6('::ffff:1.2.3.4'), '00000000000000000000ffff01020304');
  assert.throws(() => parseIPv6('1::2::3'));
  assert.equal(specialRange('127.0.0.1'), 'loopback');
  assert.equal(specialRange('169.254.1.1'), 'link-local');
  assert.equal(specialRange('fe80::1'), 'link-local');
  assert.equal(specialRange('10.0.0.1'), undefined);
});
