import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderContainerdConfig } from './testing/private-containerd';

test('the test containerd keeps root, state and sockets in its own dir, without CRI', () => {
  const c = renderContainerdConfig('/tmp/d');
  assert.match(c, /^version = 2$/m);
  assert.match(c, /^root = "\/tmp\/d\/root"$/m);
  assert.match(c, /^state = "\/tmp\/d\/state"$/m);
  assert.match(c, /address = "\/tmp\/d\/containerd.sock"/);
  assert.match(c, /disabled_plugins = \["io.containerd.grpc.v1.cri"\]/);
});
