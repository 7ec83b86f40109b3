import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUANTITY_FORMAT_ERROR, canonicalQuantity, compareQuantities, parseQuantity, quantityMilliValue, quantityValue } from './quantity';

test('parseQuantity: base units, rounding and formats', () => {
  const cases: [string | number, number, number, number, string][] = [
    // input, value, Value(), MilliValue(), canonical
    ['100m', 0.1, 1, 100, '100m'],
    ['1', 1, 1, 1000, '1'],
    [2, 2, 2, 2000, '2'],
    ['1000m', 1, 1, 1000, '1'],
    ['0.5', 0.5, 1, 500, '500m'],
    ['1.5', 1.5, 2, 1500, '1500m'],
    ['2000', 2000, 2000, 2_000_000, '2k'],
    ['200Mi', 209715200, 209715200, 209715200000, '200Mi'],
    ['2048Mi', 2147483648, 2147483648, 2147483648000, '2Gi'],
    ['1.5Ki', 1536, 1536, 1536000, '1536'],
    ['512', 512, 512, 512000, '512'],
    ['1G', 1e9, 1e9, 1e12, '1G'],
    ['1e3', 1000, 1000, 1_000_000, '1e3'],
    ['1E', 1e18, 1e18, 1e21, '1E'],
    ['0.1m', 0.0001, 1, 1, '100u'],
    ['-1', -1, -1, -1000, '-1'],
    ['0', 0, 0, 0, '0'],
  ];
  for (const [input, value, v, milli, canonical] of cases) {
    const q = parseQuantity(input);
    assert.equal(q.value, value, `${input} value`);
    assert.equal(quantityValue(q), v, `${input} Value()`);
    assert.equal(quantityMilliValue(q), milli, `${input} MilliValue()`);
    assert.equal(canonicalQuantity(q), canonical, `${input} canonical`);
  }
});

test('parseQuantity refuses what Kubernetes refuses, with its messages', () => {
  const cases: [string, string][] = [
    ['200Mx', QUANTITY_FORMAT_ERROR],
    ['', QUANTITY_FORMAT_ERROR],
    [' 1', QUANTITY_FORMAT_ERROR],
    ['1 Gi', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['1MM', "unable to parse quantity's suffix"],
    ['1..2', 'unable to parse numeric part of quantity'],
  ];
  for (const [input, msg] of cases) assert.throws(() => parseQuantity(input), { message: msg }, input);
  assert.equal(QUANTITY_FORMAT_ERROR, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
});

test('compareQuantities across formats', () => {
  assert.equal(compareQuantities('1', '1000m'), 0);
  assert.equal(compareQuantities('1Gi', '1G'), 1);
  assert.equal(compareQuantities('500m', '0.6'), -1);
});
