import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@svcnet/api-types';
import { hostsFile, parseNameservers, resolvConf } from './dns-files';

const pod: Pod = { metadata: { namespace: 'shop', name: 'web-1' }, spec: { containers: [] } };

test('resolv.conf for ClusterFirst points at the cluster DNS with the Kubernetes search path', () => {
  assert.equal(
    resolvConf(pod, { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' }),
    'nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
  );
});

test('resolv.conf for dnsPolicy Default uses the node nameservers', () => {
  const p = { ...pod, spec: { ...pod.spec, dnsPolicy: 'Default' } };
  assert.equal(resolvConf(p, { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostNameservers: ['1.1.1.1'] }), 'nameserver 1.1.1.1\n');
  assert.deepEqual(parseNameservers('# x\nnameserver 9.9.9.9\nsearch a\n nameserver 8.8.8.8\n'), ['9.9.9.9', '8.8.8.8']);
});

test('hosts file has localhost and the pod IP with its name (and FQDN with a subdomain)', () => {
  const h = hostsFile(pod, '10.244.1.5', 'cluster.local');
  assert.match(h, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(h, /^10\.244\.1\.5\tweb-1$/m);
  const h2 = hostsFile({ ...pod, spec: { ...pod.spec, subdomain: 'sub' } }, '10.244.1.5', 'cluster.local');
  assert.match(h2, /^10\.244\.1\.5\tweb-1\.sub\.shop\.svc\.cluster\.local\tweb-1$/m);
});
