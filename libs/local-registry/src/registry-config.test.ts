import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { assertListen, renderRegistryConfig } from './registry-config';

test('registry config: filesystem storage, listen address, delete on, no auth, warn level', () => {
  const text = renderRegistryConfig({ listen: '127.0.0.1:5000', storageDir: '/var/lib/svcnet/registry' });
  const c = parse(text);
  assert.equal(c.version, 0.1);
  assert.equal(c.storage.filesystem.rootdirectory, '/var/lib/svcnet/registry');
  assert.equal(c.storage.delete.enabled, true);
  assert.equal(c.http.addr, '127.0.0.1:5000');
  assert.equal(c.log.level, 'warn');
  assert.equal(c.log.accesslog.disabled, true);
  assert.equal(c.auth, undefined);
  // odd characters in paths stay one YAML string
  assert.equal(parse(renderRegistryConfig({ listen: '[::1]:5000', storageDir: '/tmp/a: b #c' })).storage.filesystem.rootdirectory, '/tmp/a: b #c');
});

test('registry config rejects bad input', () => {
  assert.throws(() => renderRegistryConfig({ listen: '5000', storageDir: '/x' }));
  assert.throws(() => renderRegistryConfig({ listen: '127.0.0.1:70000', storageDir: '/x' }));
  assert.throws(() => renderRegistryConfig({ listen: '127.0.0.1:5000', storageDir: 'rel/dir' }));
  assert.deepEqual(assertListen('10.0.0.1:80'), { host: '10.0.0.1', port: 80 });
  assert.deepEqual(assertListen('registry:5000'), { host: 'registry', port: 5000 });
  assert.throws(() => assertListen('a b:1'));
});
