import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nanosToDate, nanosToDateOrUndefined } from './time';
import { grpcTarget, socketPath } from './endpoint';
import { CriError, toCriError, isNotFound, GrpcStatus } from './errors';

test('nanosToDate keeps millisecond precision of int64 nanosecond strings', () => {
  assert.equal(nanosToDate('1700000000123456789').toISOString(), '2023-11-14T22:13:20.123Z');
  assert.equal(nanosToDate('0').getTime(), 0);
  assert.throws(() => nanosToDate('1.5e18'));
  assert.equal(nanosToDateOrUndefined('0'), undefined);
  assert.equal(nanosToDateOrUndefined(''), undefined);
});

test('endpoints: unix:/// URLs and plain paths', () => {
  assert.equal(grpcTarget('unix:///run/containerd/containerd.sock'), 'unix:///run/containerd/containerd.sock');
  assert.equal(grpcTarget('/run/x.sock'), 'unix:///run/x.sock');
  assert.equal(socketPath('unix:///run/x.sock'), '/run/x.sock');
  assert.throws(() => grpcTarget('unix://relative.sock'));
  assert.throws(() => grpcTarget('tcp://127.0.0.1:1'));
});

test('errors keep the gRPC code and the runtime message', () => {
  const e = toCriError('PullImage', Object.assign(new Error('5 NOT_FOUND: x'), { code: 5, details: 'failed to resolve reference "a/b:c"' }));
  assert.ok(e instanceof CriError);
  assert.equal(e.code, GrpcStatus.NOT_FOUND);
  assert.equal(e.codeName, 'NOT_FOUND');
  assert.equal(e.details, 'failed to resolve reference "a/b:c"');
  assert.match(e.message, /PullImage: failed to resolve/);
  assert.ok(isNotFound(e));
  assert.equal(toCriError('X', new Error('boom')).code, GrpcStatus.UNKNOWN);
});
