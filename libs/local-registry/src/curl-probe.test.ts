import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curlHeadArgs, parseCurlHeads } from './curl-probe';
import { inNetns } from './netns-command';

test('parseCurlHeads: one result per marker, digest from that response only', () => {
  const out = [
    'HTTP/1.1 200 OK\r',
    'Docker-Content-Digest: sha256:aaa\r',
    '\r',
    '~~svcnet~~ 200 http://r/v2/library/nginx/manifests/latest',
    'HTTP/1.1 404 Not Found\r',
    '\r',
    '~~svcnet~~ 404 http://r/v2/library/nginx/manifests/x',
    '~~svcnet~~ 000 http://r/v2/pause/manifests/3.9',
    '',
  ].join('\n');
  assert.deepEqual(parseCurlHeads(out), [
    { url: 'http://r/v2/library/nginx/manifests/latest', status: 200, digest: 'sha256:aaa' },
    { url: 'http://r/v2/library/nginx/manifests/x', status: 404 },
    { url: 'http://r/v2/pause/manifests/3.9', status: 0 },
  ]);
});

test('curl arguments: the -w format must not start with @ (curl would read a file)', () => {
  const args = curlHeadArgs(['http://a/', 'http://b/'], 'application/x');
  const w = args[args.indexOf('-w') + 1];
  assert.ok(!w.startsWith('@'));
  assert.deepEqual(args.slice(-4), ['-H', 'Accept: application/x', 'http://a/', 'http://b/']);
});

test('inNetns wraps commands in nsenter --net only when asked', () => {
  assert.deepEqual(inNetns(undefined, 'curl', ['-s']), ['curl', ['-s']]);
  assert.deepEqual(inNetns('/run/netns/x', 'curl', ['-s']), ['nsenter', ['--net=/run/netns/x', 'curl', '-s']]);
  assert.throws(() => inNetns('run/netns/x', 'curl', []));
});
