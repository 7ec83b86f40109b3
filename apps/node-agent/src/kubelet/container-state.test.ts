import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus } from '@svcnet/cri-client';
import { kubeContainerState } from './container-state';

const T0 = '1700000000123456789'; // 2023-11-14T22:13:20.123Z
const T1 = '1700000060000000000';
const status = (over: Partial<ContainerStatus>): ContainerStatus =>
  ({ id: 'c0ffee', metadata: null, state: 'CONTAINER_RUNNING', createdAt: T0, startedAt: '0', finishedAt: '0', exitCode: 0, image: null, imageRef: '', reason: '', message: '', labels: {}, annotations: {}, mounts: [], logPath: '', resources: null, ...over }) as ContainerStatus;

test('CRI container status as the Kubernetes container state', () => {
  const cases: [string, Partial<ContainerStatus>, string | undefined, unknown][] = [
    ['running', { state: 'CONTAINER_RUNNING', startedAt: T0 }, undefined, { running: { startedAt: '2023-11-14T22:13:20Z' } }],
    ['created: still being set up', { state: 'CONTAINER_CREATED' }, undefined, { waiting: { reason: 'ContainerCreating' } }],
    [
      'exit 0 without reason is Completed',
      { state: 'CONTAINER_EXITED', startedAt: T0, finishedAt: T1, exitCode: 0 },
      undefined,
      { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2023-11-14T22:13:20Z', finishedAt: '2023-11-14T22:14:20Z', containerID: 'containerd://c0ffee' } },
    ],
    [
      'non-zero without reason is Error',
      { state: 'CONTAINER_EXITED', startedAt: T0, finishedAt: T1, exitCode: 2 },
      undefined,
      { terminated: { exitCode: 2, reason: 'Error', startedAt: '2023-11-14T22:13:20Z', finishedAt: '2023-11-14T22:14:20Z', containerID: 'containerd://c0ffee' } },
    ],
    [
      'the runtime reason wins (OOMKilled)',
      { state: 'CONTAINER_EXITED', startedAt: T0, finishedAt: T1, exitCode: 137, reason: 'OOMKilled' },
      undefined,
      { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2023-11-14T22:13:20Z', finishedAt: '2023-11-14T22:14:20Z', containerID: 'containerd://c0ffee' } },
    ],
    [
      'StartError with the runtime message',
      { state: 'CONTAINER_EXITED', finishedAt: T1, exitCode: 128, reason: 'StartError', message: 'exec: "nope": executable file not found in $PATH' },
      undefined,
      { terminated: { exitCode: 128, reason: 'StartError', message: 'exec: "nope": executable file not found in $PATH', startedAt: '2023-11-14T22:13:20Z', finishedAt: '2023-11-14T22:14:20Z', containerID: 'containerd://c0ffee' } },
    ],
    [
      'termination message',
      { state: 'CONTAINER_EXITED', startedAt: T0, finishedAt: T1, exitCode: 1 },
      'bye',
      { terminated: { exitCode: 1, reason: 'Error', message: 'bye', startedAt: '2023-11-14T22:13:20Z', finishedAt: '2023-11-14T22:14:20Z', containerID: 'containerd://c0ffee' } },
    ],
    [
      'runtime message and termination message joined by ": "',
      { state: 'CONTAINER_EXITED', startedAt: T0, finishedAt: T1, exitCode: 137, reason: 'OOMKilled', message: 'oom' },
      'last words',
      { terminated: { exitCode: 137, reason: 'OOMKilled', message: 'oom: last words', startedAt: '2023-11-14T22:13:20Z', finishedAt: '2023-11-14T22:14:20Z', containerID: 'containerd://c0ffee' } },
    ],
    [
      'unknown',
      { state: 'CONTAINER_UNKNOWN' },
      undefined,
      { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', containerID: 'containerd://c0ffee' } },
    ],
  ];
  for (const [name, over, term, want] of cases) assert.deepEqual(JSON.parse(JSON.stringify(kubeContainerState(status(over), term))), want, name);
});
