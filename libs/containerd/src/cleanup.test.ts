import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountsUnder, shimsOf } from './cleanup';
import { parseImportOutput } from './images';

test('shimsOf picks only shims of the given containerd socket', () => {
  const procs = [
    { pid: 10, argv: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'a', '-address', '/tmp/t1/containerd.sock'] },
    { pid: 11, argv: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'b', '-address', '/run/containerd/containerd.sock'] },
    { pid: 12, argv: ['sleep', '-address', '/tmp/t1/containerd.sock'] },
    { pid: 13, argv: [] },
  ];
  assert.deepEqual(shimsOf(procs, '/tmp/t1/containerd.sock'), [10]);
});

test('mountsUnder lists nested mounts deepest first, unescaping octal', () => {
  const mi = [
    '22 1 8:1 / / rw - ext4 /dev/sda1 rw',
    '30 22 0:40 / /tmp/t1/state/x/rootfs rw - overlay overlay rw',
    '31 22 0:41 / /tmp/t1/state/x/rootfs/proc rw - proc proc rw',
    '32 22 0:42 / /tmp/t1\\040b/shm rw - tmpfs shm rw',
    '33 22 0:43 / /tmp/t10 rw - tmpfs t rw',
  ].join('\n');
  assert.deepEqual(mountsUnder(mi, '/tmp/t1'), ['/tmp/t1/state/x/rootfs/proc', '/tmp/t1/state/x/rootfs']);
  assert.deepEqual(mountsUnder(mi, '/tmp/t1 b'), ['/tmp/t1 b/shm']);
});

test('parseImportOutput returns the refs ctr unpacked', () => {
  const out = 'unpacking docker.io/library/busybox:t (sha256:0123abcd)...done\nunpacking registry.k8s.io/pause:3.6 (sha256:ffee)...done\n';
  assert.deepEqual(parseImportOutput(out), ['docker.io/library/busybox:t', 'registry.k8s.io/pause:3.6']);
  assert.deepEqual(parseImportOutput(''), []);
});
