import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextFreeIp, poolSize } from './ipam-choice';

const s = { subnet: '10.244.1.0/24', gateway: '10.244.1.1' };

test('first pick skips network and gateway', () => {
  assert.equal(nextFreeIp({ ...s, used: [] }), '10.244.1.2');
  assert.equal(nextFreeIp({ ...s, used: ['10.244.1.2', '10.244.1.3'] }), '10.244.1.4');
});

test('continues after the last reserved IP and wraps, never to broadcast', () => {
  assert.equal(nextFreeIp({ ...s, used: [], lastReserved: '10.244.1.9' }), '10.244.1.10');
  // a freed low IP is not reused while higher ones are free
  assert.equal(nextFreeIp({ ...s, used: ['10.244.1.3'], lastReserved: '10.244.1.3' }), '10.244.1.4');
  assert.equal(nextFreeIp({ ...s, used: [], lastReserved: '10.244.1.254' }), '10.244.1.2');
  assert.equal(nextFreeIp({ ...s, used: ['10.244.1.2'], lastReserved: '10.244.1.253' }), '10.244.1.254');
  // a hint outside the pool is ignored
  assert.equal(nextFreeIp({ ...s, used: [], lastReserved: '192.168.0.1' }), '10.244.1.2');
});

test('a gateway other than .1 frees .1 and is itself skipped', () => {
  assert.equal(nextFreeIp({ subnet: '10.244.1.0/24', gateway: '10.244.1.254', used: [] }), '10.244.1.1');
  assert.equal(nextFreeIp({ subnet: '10.244.1.0/24', gateway: '10.244.1.254', used: [], lastReserved: '10.244.1.253' }), '10.244.1.1');
});

test('exhaustion returns undefined; pool size excludes network, gateway, broadcast', () => {
  const small = { subnet: '10.0.0.0/29', gateway: '10.0.0.1' };
  assert.equal(poolSize(small.subnet), 5);
  const all = ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'];
  assert.equal(nextFreeIp({ ...small, used: all }), undefined);
  assert.equal(nextFreeIp({ ...small, used: all.slice(1), lastReserved: '10.0.0.6' }), '10.0.0.2');
  assert.equal(poolSize('10.0.0.0/30'), 1);
  assert.equal(nextFreeIp({ subnet: '10.0.0.0/30', gateway: '10.0.0.1', used: [] }), '10.0.0.2');
});
