import { test } from 'node:test';
import assert from 'node:assert/strict';
import { echoNginxBody, echoPort, whoamiBody } from './echo-format';

const req = {
  method: 'GET',
  url: '/a?b=1',
  httpVersion: '1.1',
  rawHeaders: ['Host', 'svc-destination:8080', 'User-Agent', 'curl/7.65.1', 'Accept', '*/*'],
  remoteAddress: '10.244.2.7',
  remotePort: 41234,
};

test('whoami body: Hostname, IPs, request line and headers like traefik/whoami', () => {
  const body = whoamiBody(req, { hostname: 'destination-6f66576498-j84m4', ips: ['127.0.0.1', '10.244.1.5'] });
  assert.equal(
    body,
    'Hostname: destination-6f66576498-j84m4\nIP: 127.0.0.1\nIP: 10.244.1.5\nRemoteAddr: 10.244.2.7:41234\nGET /a?b=1 HTTP/1.1\nHost: svc-destination:8080\nUser-Agent: curl/7.65.1\nAccept: */*\n\n',
  );
  assert.match(whoamiBody(req, { hostname: 'h', ips: [], name: 'app-a' }), /^Name: app-a$/m);
});

test('echo-nginx body is one line with host without port, path, pod hostname, client IP and XFF', () => {
  assert.equal(echoNginxBody(req, { hostname: 'echo-1', ips: [] }), 'Host=svc-destination Path=/a?b=1 From=echo-1 ClientIP=10.244.2.7 XFF=-\n');
  const withXff = { ...req, rawHeaders: [...req.rawHeaders, 'X-Forwarded-For', '1.2.3.4'] };
  assert.match(echoNginxBody(withXff, { hostname: 'e', ips: [] }), /XFF=1\.2\.3\.4\n$/);
});

test('echo port: flag, then env, then default', () => {
  assert.equal(echoPort('whoami', ['--port', '8080'], {}), 8080);
  assert.equal(echoPort('whoami', ['--port=9000'], {}), 9000);
  assert.equal(echoPort('whoami', [], { WHOAMI_PORT_NUMBER: '81' }), 81);
  assert.equal(echoPort('whoami', [], {}), 80);
  assert.equal(echoPort('echo-nginx', [], { NGINX_PORT: '8081' }), 8081);
  assert.equal(echoPort('echo-nginx', [], { NGINX_PORT: 'tcp://10.96.0.3:80' }), 80);
  assert.equal(echoPort('svcnet-echo', [], {}), 8080);
});
