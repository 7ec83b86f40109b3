// apiserver_request_total / apiserver_request_duration_seconds as kube-apiserver exports them:
// upper-case verbs, subresource as its own label, the upstream duration buckets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiMetrics, REQUEST_DURATION_BUCKETS } from './api-metrics';

test('request metrics: upper-case verbs, resource and subresource apart, upstream buckets', () => {
  const m = new ApiMetrics();
  m.startRequest('list', 'pods', 'http')(200);
  m.startRequest('update', 'services/status', 'grpc')(409);
  m.startRequest('deletecollection', 'pods', 'http')(200);
  const text = m.registry.render();
  assert.match(text, /^apiserver_request_total\{code="200",component="apiserver",resource="pods",subresource="",transport="http",verb="LIST"\} 1$/m);
  assert.match(text, /^apiserver_request_total\{code="409",component="apiserver",resource="services",subresource="status",transport="grpc",verb="UPDATE"\} 1$/m);
  assert.match(text, /verb="DELETECOLLECTION"/);
  assert.doesNotMatch(text, /verb="[a-z]/);
  assert.match(text, /^# TYPE apiserver_request_duration_seconds histogram$/m);
  const les = [...text.matchAll(/^apiserver_request_duration_seconds_bucket\{[^}]*resource="pods",subresource="",verb="LIST",le="([^"]+)"\}/gm)].map((x) => x[1]);
  assert.deepEqual(les, [...REQUEST_DURATION_BUCKETS.map(String), '+Inf']);
  assert.deepEqual(REQUEST_DURATION_BUCKETS, [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60]);
  assert.match(text, /^process_cpu_seconds_total /m);
});
