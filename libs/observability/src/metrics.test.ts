// The registry's text format and the process/Node.js metrics every app exports under the
// names the Go client and prom-client use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, exponentialBuckets, linearBuckets } from './metrics';

const PROCESS_NAMES = [
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'process_start_time_seconds',
  'process_open_fds',
  'process_max_fds',
  'process_virtual_memory_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_version_info',
];

function value(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  assert.ok(m, `${name} missing in:\n${text}`);
  return Number(m[1]);
}

test('every registry exports the process and Node.js runtime metrics', () => {
  const text = new Registry().render();
  for (const name of PROCESS_NAMES) assert.ok(Number.isFinite(value(text, name)), name);
  assert.match(text, /^# TYPE process_cpu_seconds_total counter$/m);
  assert.match(text, /^# TYPE process_resident_memory_bytes gauge$/m);
  const start = value(text, 'process_start_time_seconds');
  assert.ok(start <= Date.now() / 1000 && start > Date.now() / 1000 - process.uptime() - 5);
  assert.ok(value(text, 'process_resident_memory_bytes') > 1e6);
  assert.ok(value(text, 'process_open_fds') >= 3);
  assert.match(text, new RegExp(`^nodejs_version_info\\{version="${process.version}",`, 'm'));
});

test('processMetrics: false leaves them out', () => {
  const r = new Registry({ processMetrics: false });
  r.counter('x_total', 'x').inc();
  assert.equal(r.render(), '# HELP x_total x\n# TYPE x_total counter\nx_total 1\n');
});

test('counters, gauges and histograms in the text format, app metrics before process metrics', () => {
  const r = new Registry();
  r.counter('apiserver_request_total', 'requests').inc({ verb: 'LIST', code: '200' });
  const h = r.histogram('d_seconds', 'd', [0.1, 1]);
  h.observe(0.5, { k: 'a' });
  const text = r.render();
  assert.match(text, /^apiserver_request_total\{code="200",verb="LIST"\} 1$/m);
  assert.match(text, /^d_seconds_bucket\{k="a",le="0.1"\} 0$/m);
  assert.match(text, /^d_seconds_bucket\{k="a",le="1"\} 1$/m);
  assert.match(text, /^d_seconds_bucket\{k="a",le="\+Inf"\} 1$/m);
  assert.ok(text.indexOf('apiserver_request_total') < text.indexOf('process_cpu_seconds_total'));
});

test('exponentialBuckets and linearBuckets as in the Prometheus client', () => {
  assert.deepEqual(exponentialBuckets(0.001, 2, 4), [0.001, 0.002, 0.004, 0.008]);
  assert.deepEqual(linearBuckets(0.25, 0.25, 2), [0.25, 0.5]);
  assert.deepEqual(linearBuckets(120, 30, 3), [120, 150, 180]);
});
