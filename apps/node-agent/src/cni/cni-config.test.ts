import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetConf, renderCniConfList } from './cni-config';
import { CniError } from './cni-errors';

const base = { cniVersion: '1.0.0', name: 'svcnet', type: 'svcnet-bridge', bridge: 'svcnet0', subnet: '10.244.1.0/24', dataDir: '/var/lib/svcnet/cni/ipam' };

function rejects(conf: unknown, code: number, field: RegExp): void {
  assert.throws(
    () => parseNetConf(conf),
    (e: unknown) => e instanceof CniError && e.code === code && field.test(e.message),
  );
}

test('renderCniConfList renders one svcnet-bridge plugin in a 1.0.0 list', () => {
  const text = renderCniConfList({ name: 'svcnet', bridge: 'svcnet0', subnet: '10.244.1.0/24', dataDir: '/d', logFile: '/l/cni.log', mtu: 1450 });
  assert.deepEqual(JSON.parse(text), {
    cniVersion: '1.0.0',
    name: 'svcnet',
    plugins: [{ type: 'svcnet-bridge', bridge: 'svcnet0', subnet: '10.244.1.0/24', dataDir: '/d', hairpinMode: true, mtu: 1450, logFile: '/l/cni.log' }],
  });
  assert.ok(text.endsWith('\n'));
  assert.throws(() => renderCniConfList({ name: 'svcnet', bridge: 'svcnet0', subnet: '10.244.1.5/24', dataDir: '/d' }), /subnet/);
});

test('what libcni hands the plugin (list plugin + name + cniVersion) parses back with defaults', () => {
  const list = JSON.parse(renderCniConfList({ name: 'svcnet', bridge: 'svcnet0', subnet: '10.244.1.0/24', dataDir: '/d' }));
  const c = parseNetConf(JSON.stringify({ ...list.plugins[0], name: list.name, cniVersion: list.cniVersion }));
  assert.equal(c.gateway, '10.244.1.1');
  assert.equal(c.hairpinMode, true);
  assert.equal(c.mtu, undefined);
  assert.equal(c.logFile, undefined);
});

test('parseNetConf accepts 0.4.0, an explicit gateway, prevResult and unknown fields', () => {
  const prevResult = { ips: [{ address: '10.244.1.7/32' }] };
  const c = parseNetConf({ ...base, cniVersion: '0.4.0', gateway: '10.244.1.254', hairpinMode: false, prevResult, runtimeConfig: {} });
  assert.equal(c.cniVersion, '0.4.0');
  assert.equal(c.gateway, '10.244.1.254');
  assert.equal(c.hairpinMode, false);
  assert.deepEqual(c.prevResult, prevResult);
});

test('parseNetConf names the bad field with the CNI error code', () => {
  rejects('{not json', 6, /not JSON/);
  rejects([], 6, /object/);
  rejects({ ...base, cniVersion: '2.0.0' }, 1, /^cniVersion/);
  rejects({ ...base, cniVersion: undefined }, 1, /^cniVersion/);
  rejects({ ...base, name: '' }, 7, /: name:/);
  rejects({ ...base, type: 'bridge' }, 7, /: type:/);
  rejects({ ...base, bridge: 'a-bridge-name-too-long' }, 7, /: bridge:/);
  rejects({ ...base, subnet: undefined }, 7, /: subnet:/);
  rejects({ ...base, subnet: '10.244.1.0/31' }, 7, /: subnet:/);
  rejects({ ...base, subnet: '10.244.1.1/24' }, 7, /: subnet: .*host bits/);
  rejects({ ...base, subnet: '300.1.1.0/24' }, 7, /: subnet:/);
  rejects({ ...base, gateway: '10.244.2.1' }, 7, /: gateway:/);
  rejects({ ...base, gateway: '10.244.1.255' }, 7, /: gateway:/);
  rejects({ ...base, gateway: '10.244.1.0' }, 7, /: gateway:/);
  rejects({ ...base, gateway: 'x' }, 7, /: gateway:/);
  rejects({ ...base, dataDir: 'relative/dir' }, 7, /: dataDir:/);
  rejects({ ...base, dataDir: undefined }, 7, /: dataDir:/);
  rejects({ ...base, mtu: 10 }, 7, /: mtu:/);
  rejects({ ...base, mtu: 1500.5 }, 7, /: mtu:/);
  rejects({ ...base, hairpinMode: 'yes' }, 7, /: hairpinMode:/);
  rejects({ ...base, logFile: 'cni.log' }, 7, /: logFile:/);
});
