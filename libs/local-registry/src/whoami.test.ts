// deploy/images/whoami/whoami.js is plain JS run inside the whoami stand-in; its output must match
// the format of svcnet's former built-in echo server (apps/node-agent/src/pods/echo-format.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

interface Whoami {
  podIps(i: Record<string, { address: string; family: string; internal: boolean }[]>): string[];
  whoamiBody(req: object, host: object): string;
  whoamiPort(args: string[], env: Record<string, string | undefined>): number;
  whoamiName(args: string[], env: Record<string, string | undefined>): string | undefined;
  parseWait(v: string | null): number | undefined;
}
const w = require(join(__dirname, '../../../deploy/images/whoami/whoami.js')) as Whoami;

test('whoami body: Hostname, IPs, RemoteAddr, request line, headers as received', () => {
  const body = w.whoamiBody(
    { method: 'GET', url: '/', httpVersion: '1.1', rawHeaders: ['Host', 'svc-destination:8080', 'User-Agent', 'curl/7.65.1', 'Accept', '*/*'], remoteAddress: '::ffff:10.244.1.100', remotePort: 51234 },
    { hostname: 'destination-6f66576498-j84m4', ips: ['127.0.0.1', '10.244.1.10'] },
  );
  assert.equal(
    body,
    'Hostname: destination-6f66576498-j84m4\nIP: 127.0.0.1\nIP: 10.244.1.10\nRemoteAddr: 10.244.1.100:51234\nGET / HTTP/1.1\nHost: svc-destination:8080\nUser-Agent: curl/7.65.1\nAccept: */*\n\n',
  );
  const named = w.whoamiBody({ method: 'GET', url: '/x', httpVersion: '1.0', rawHeaders: [], remoteAddress: 'fd00::1', remotePort: 1 }, { hostname: 'h', ips: [], name: 'app' });
  assert.equal(named, 'Hostname: h\nName: app\nRemoteAddr: [fd00::1]:1\nGET /x HTTP/1.0\n\n');
});

test('whoami IPs: loopback first, then other IPv4, then IPv6', () => {
  const ips = w.podIps({
    eth0: [{ address: '10.244.1.10', family: 'IPv4', internal: false }, { address: 'fe80::1', family: 'IPv6', internal: false }],
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }, { address: '::1', family: 'IPv6', internal: true }],
  });
  assert.deepEqual(ips, ['127.0.0.1', '10.244.1.10', 'fe80::1', '::1']);
});

test('whoami port and name: flags, then env, then defaults', () => {
  assert.equal(w.whoamiPort([], {}), 80);
  assert.equal(w.whoamiPort(['--port', '8080'], { WHOAMI_PORT_NUMBER: '9' }), 8080);
  assert.equal(w.whoamiPort(['-port=81'], {}), 81);
  assert.equal(w.whoamiPort([], { WHOAMI_PORT_NUMBER: '8081' }), 8081);
  assert.equal(w.whoamiPort([], { WHOAMI_PORT_NUMBER: 'tcp://1.2.3.4:80' }), 80);
  assert.equal(w.whoamiName(['--name', 'a'], { NAME_APPLICATION: 'b' }), 'a');
  assert.equal(w.whoamiName([], { NAME_APPLICATION: 'b' }), 'b');
  assert.equal(w.whoamiName([], { WHOAMI_NAME: 'c', NAME_APPLICATION: 'b' }), 'c');
  assert.equal(w.whoamiName([], {}), undefined);
  assert.equal(w.parseWait('500ms'), 500);
  assert.equal(w.parseWait('2s'), 2000);
  assert.equal(w.parseWait('x'), undefined);
});
