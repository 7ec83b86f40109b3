import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogsPath, tailLines } from './container-logs';

test('logs path names namespace, pod and optionally the container', () => {
  assert.deepEqual(parseLogsPath('/containerLogs/web/nginx-1/nginx'), { namespace: 'web', pod: 'nginx-1', container: 'nginx' });
  assert.deepEqual(parseLogsPath('/containerLogs/web/nginx-1'), { namespace: 'web', pod: 'nginx-1', container: undefined });
  assert.equal(parseLogsPath('/containerLogs/web'), undefined);
});

test('tailLines keeps the last n lines', () => {
  assert.equal(tailLines('a\nb\nc\n', 2), 'b\nc\n');
  assert.equal(tailLines('a\nb\nc', 1), 'c');
  assert.equal(tailLines('a\n', 5), 'a\n');
  assert.equal(tailLines('a\nb\n', -1), 'a\nb\n');
});
