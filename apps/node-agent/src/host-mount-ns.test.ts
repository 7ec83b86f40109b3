import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountPropagation } from './host-mount-ns';

test('mountinfo propagation of /run/netns: shared in the launcher, slave after ip netns exec', () => {
  const host = [
    '24 1 0:22 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw',
    '610 24 0:22 /netns /run/netns rw,nosuid,nodev shared:321 - tmpfs tmpfs rw',
  ].join('\n');
  assert.deepEqual(mountPropagation(host, '/run/netns'), { shared: '321' });
  const inExec = '700 650 0:22 /netns /run/netns rw,nosuid,nodev master:321 - tmpfs tmpfs rw\n';
  assert.deepEqual(mountPropagation(inExec, '/run/netns'), { master: '321' });
  assert.equal(mountPropagation('24 1 0:22 / /run rw shared:5 - tmpfs tmpfs rw', '/run/netns'), undefined);
});
