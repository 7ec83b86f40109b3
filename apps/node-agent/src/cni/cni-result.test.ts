import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CniError } from './cni-errors';
import { prevResultIp, renderAddResult, renderError, renderVersionResult } from './cni-result';

const o = {
  hostVeth: { name: 'svp0123456789a', mac: 'aa:bb:cc:00:00:01' },
  container: { name: 'eth0', mac: 'aa:bb:cc:00:00:02', sandbox: '/var/run/netns/cni-1234' },
  ip: '10.244.1.5',
  gateway: '10.244.1.1',
};

test('1.0.0 ADD result: host veth, eth0 with sandbox, /32 on interface 1, default route, empty dns', () => {
  assert.deepEqual(renderAddResult('1.0.0', o), {
    cniVersion: '1.0.0',
    interfaces: [
      { name: 'svp0123456789a', mac: 'aa:bb:cc:00:00:01' },
      { name: 'eth0', mac: 'aa:bb:cc:00:00:02', sandbox: '/var/run/netns/cni-1234' },
    ],
    ips: [{ address: '10.244.1.5/32', gateway: '10.244.1.1', interface: 1 }],
    routes: [{ dst: '0.0.0.0/0', gw: '10.244.1.1' }],
    dns: {},
  });
});

test('0.4.0 ADD result carries ips[].version', () => {
  const r = renderAddResult('0.4.0', o) as { cniVersion: string; ips: unknown[] };
  assert.equal(r.cniVersion, '0.4.0');
  assert.deepEqual(r.ips, [{ version: '4', address: '10.244.1.5/32', gateway: '10.244.1.1', interface: 1 }]);
});

test('VERSION and error objects', () => {
  assert.deepEqual(renderVersionResult(), { cniVersion: '1.0.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] });
  assert.deepEqual(renderError('0.4.0', new CniError(7, 'bad', 'why')), { cniVersion: '0.4.0', code: 7, msg: 'bad', details: 'why' });
  assert.deepEqual(renderError(undefined, new CniError(11, 'busy')), { cniVersion: '1.0.0', code: 11, msg: 'busy' });
});

test('prevResultIp reads the first ips[].address', () => {
  assert.equal(prevResultIp(renderAddResult('1.0.0', o)), '10.244.1.5');
  assert.equal(prevResultIp(undefined), undefined);
  assert.equal(prevResultIp({ ips: 'x' }), undefined);
});
