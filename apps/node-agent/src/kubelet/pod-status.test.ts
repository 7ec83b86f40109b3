import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@svcnet/api-types';
import { computePodStatus, podPhase, statusChanged, type ContainerView } from './pod-status';

const pod = (restartPolicy?: Pod['spec']['restartPolicy']): Pod => ({ metadata: { name: 'p', namespace: 'd' }, spec: { containers: [], restartPolicy } });
const running: ContainerView = { name: 'a', state: { running: { startedAt: 't' } }, ready: true, restartCount: 0 };
const exited = (code: number): ContainerView => ({ name: 'b', state: { terminated: { exitCode: code } }, ready: false, restartCount: 0 });
const pulling: ContainerView = { name: 'c', state: { waiting: { reason: 'ErrImagePull', message: 'no' } }, ready: false, restartCount: 0 };
const backoff: ContainerView = { name: 'd', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } }, ready: false, restartCount: 2 };

test('phase follows kubelet', () => {
  assert.equal(podPhase(pod(), [pulling]), 'Pending');
  assert.equal(podPhase(pod(), [running, pulling]), 'Pending');
  assert.equal(podPhase(pod(), [running]), 'Running');
  assert.equal(podPhase(pod(), [backoff]), 'Running');
  assert.equal(podPhase(pod('Never'), [exited(0)]), 'Succeeded');
  assert.equal(podPhase(pod('Never'), [exited(0), exited(2)]), 'Failed');
  assert.equal(podPhase(pod('OnFailure'), [exited(0)]), 'Succeeded');
  assert.equal(podPhase(pod('OnFailure'), [exited(1)]), 'Running');
});

test('status has IPs, start time, conditions and container statuses', () => {
  const s = computePodStatus(pod(), { containers: [running], podIP: '10.244.1.2', hostIP: '10.0.0.1', startTime: 'T0' }, 'NOW');
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.244.1.2');
  assert.deepEqual(s.podIPs, [{ ip: '10.244.1.2' }]);
  assert.equal(s.hostIP, '10.0.0.1');
  assert.equal(s.startTime, 'T0');
  const cond = Object.fromEntries(s.conditions!.map((c) => [c.type, c.status]));
  assert.deepEqual(cond, { PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });
  assert.equal(s.containerStatuses![0].ready, true);
  assert.equal(s.containerStatuses![0].started, true);
});

test('unready containers are named in the Ready condition; transition times are kept while unchanged', () => {
  const p = pod();
  const s1 = computePodStatus(p, { containers: [{ ...running, ready: false }], podIP: '1.1.1.1' }, 'T1');
  const ready = s1.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ContainersNotReady');
  assert.equal(ready.message, 'containers with unready status: [a]');
  const s2 = computePodStatus({ ...p, status: s1 }, { containers: [{ ...running, ready: false }], podIP: '1.1.1.1' }, 'T2');
  assert.equal(s2.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime, 'T1');
  assert.equal(statusChanged(s1, s2), false);
  const s3 = computePodStatus({ ...p, status: s2 }, { containers: [running], podIP: '1.1.1.1' }, 'T3');
  assert.equal(s3.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime, 'T3');
  assert.equal(statusChanged(s2, s3), true);
});

test('completed pods are not ready with reason PodCompleted', () => {
  const s = computePodStatus(pod('Never'), { containers: [exited(0)] }, 'T');
  assert.equal(s.phase, 'Succeeded');
  assert.equal(s.conditions!.find((c) => c.type === 'Ready')!.reason, 'PodCompleted');
});
