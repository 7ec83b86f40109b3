import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCidr, assertIPv4, assertLinkName, assertNetnsName } from './names';
import { setSysctl } from './sysctl';

test('names and addresses are validated before reaching ip(8)', async () => {
  assert.equal(assertLinkName('veth0'), 'veth0');
  assert.throws(() => assertLinkName('a-very-long-link-name'));
  assert.throws(() => assertLinkName('eth0; reboot'));
  assert.throws(() => assertLinkName('Eth0'));
  assert.equal(assertNetnsName('svcnet-t-abc-node'), 'svcnet-t-abc-node');
  assert.throws(() => assertNetnsName('../etc'));
  assert.throws(() => assertIPv4('10.0.0.256'));
  assert.throws(() => assertCidr('10.0.0.0/33'));
  await assert.rejects(setSysctl('ns', 'kernel.panic', 1), /invalid sysctl key/);
  await assert.rejects(setSysctl('ns', 'net.ipv4.ip_forward', '1; reboot'), /invalid sysctl value/);
});
