import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeTracker, probeSettings, resolveProbePort } from './probe-tracker';

test('probe settings use the Kubernetes defaults; liveness successThreshold is always 1', () => {
  assert.deepEqual(probeSettings({}, 'readiness'), { initialDelayMs: 0, periodMs: 10000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
  assert.equal(probeSettings({ successThreshold: 3 }, 'liveness').successThreshold, 1);
});

test('schedule: first probe after initialDelay, then every period', () => {
  const t = new ProbeTracker('readiness', probeSettings({ initialDelaySeconds: 5, periodSeconds: 2 }, 'readiness'), 1000);
  assert.equal(t.nextDueAt(), 6000);
  assert.equal(t.isDue(5999), false);
  t.record(true, 6000);
  assert.equal(t.nextDueAt(), 8000);
});

test('readiness starts not ready, needs successThreshold successes, drops after failureThreshold failures', () => {
  const t = new ProbeTracker('readiness', probeSettings({ successThreshold: 2, failureThreshold: 2 }, 'readiness'), 0);
  assert.equal(t.isHealthy, false);
  assert.equal(t.record(true, 1), false);
  assert.equal(t.isHealthy, false);
  assert.equal(t.record(true, 2), true);
  assert.equal(t.isHealthy, true);
  t.record(false, 3);
  assert.equal(t.isHealthy, true);
  t.record(true, 4); // a success resets the failure count
  t.record(false, 5);
  assert.equal(t.isHealthy, true);
  assert.equal(t.record(false, 6), true);
  assert.equal(t.isHealthy, false);
});

test('liveness starts alive and dies after failureThreshold consecutive failures', () => {
  const t = new ProbeTracker('liveness', probeSettings({ failureThreshold: 3 }, 'liveness'), 0);
  assert.equal(t.isHealthy, true);
  t.record(false, 1);
  t.record(false, 2);
  assert.equal(t.isHealthy, true);
  t.record(false, 3);
  assert.equal(t.isHealthy, false);
});

test('named probe ports resolve through the container ports', () => {
  assert.equal(resolveProbePort('http', [{ name: 'http', containerPort: 8080 }]), 8080);
  assert.equal(resolveProbePort(81), 81);
  assert.equal(resolveProbePort('82'), 82);
  assert.equal(resolveProbePort('nope', []), undefined);
});
