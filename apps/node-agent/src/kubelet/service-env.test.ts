import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '@svcnet/api-types';
import { envForService, envVarName, serviceEnv } from './service-env';

const svc = (ns: string, name: string, clusterIP: string, ports: Service['spec']['ports'], type?: Service['spec']['type']): Service => ({
  metadata: { namespace: ns, name },
  spec: { clusterIP, ports, type },
});

test('envVarName upper-cases and turns dashes into underscores', () => {
  assert.equal(envVarName('my-nginx-svc'), 'MY_NGINX_SVC');
});

test('env vars of a service with a named and an unnamed port, exactly as kubelet writes them', () => {
  const env = envForService(svc('web', 'nginx', '10.96.0.20', [{ port: 8080, name: 'http', protocol: 'TCP' }, { port: 53, name: 'dns-udp', protocol: 'UDP' }]));
  assert.deepEqual(env, [
    { name: 'NGINX_SERVICE_HOST', value: '10.96.0.20' },
    { name: 'NGINX_SERVICE_PORT', value: '8080' },
    { name: 'NGINX_SERVICE_PORT_HTTP', value: '8080' },
    { name: 'NGINX_SERVICE_PORT_DNS_UDP', value: '53' },
    { name: 'NGINX_PORT', value: 'tcp://10.96.0.20:8080' },
    { name: 'NGINX_PORT_8080_TCP', value: 'tcp://10.96.0.20:8080' },
    { name: 'NGINX_PORT_8080_TCP_PROTO', value: 'tcp' },
    { name: 'NGINX_PORT_8080_TCP_PORT', value: '8080' },
    { name: 'NGINX_PORT_8080_TCP_ADDR', value: '10.96.0.20' },
    { name: 'NGINX_PORT_53_UDP', value: 'udp://10.96.0.20:53' },
    { name: 'NGINX_PORT_53_UDP_PROTO', value: 'udp' },
    { name: 'NGINX_PORT_53_UDP_PORT', value: '53' },
    { name: 'NGINX_PORT_53_UDP_ADDR', value: '10.96.0.20' },
  ]);
});

test('headless and ExternalName services and other namespaces give no env; kubernetes from default always does', () => {
  const all = [
    svc('default', 'kubernetes', '10.96.0.1', [{ port: 443, name: 'https' }]),
    svc('default', 'other', '10.96.0.9', [{ port: 80 }]),
    svc('web', 'headless', 'None', [{ port: 80 }]),
    svc('web', 'ext', '', [], 'ExternalName'),
    svc('web', 'my-app', '10.96.0.30', [{ port: 80 }]),
  ];
  const names = serviceEnv(all, 'web').map((e) => e.name);
  assert.ok(names.includes('KUBERNETES_SERVICE_HOST'));
  assert.ok(names.includes('KUBERNETES_SERVICE_PORT_HTTPS'));
  assert.ok(names.includes('KUBERNETES_PORT_443_TCP_ADDR'));
  assert.ok(names.includes('MY_APP_SERVICE_HOST'));
  assert.ok(!names.some((n) => n.startsWith('OTHER_') || n.startsWith('HEADLESS_') || n.startsWith('EXT_')));
  const noLinks = serviceEnv(all, 'web', false).map((e) => e.name);
  assert.ok(noLinks.includes('KUBERNETES_SERVICE_HOST'));
  assert.ok(!noLinks.includes('MY_APP_SERVICE_HOST'));
  // in default, every default service is visible
  assert.ok(serviceEnv(all, 'default').some((e) => e.name === 'OTHER_SERVICE_HOST'));
});
