import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, formatCIDR, formatIPv4, parseCIDR, parseIPv4 } from './ipv4';

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
