import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@svcnet/api-types';
import { hostsFile, parseNameservers, parseOptions, parseSearches, podDnsConfig, resolvConf, type DnsConfig } from './dns-files';

const pod: Pod = { metadata: { namespace: 'shop', name: 'web-1' }, spec: { containers: [] } };
const withSpec = (spec: Partial<Pod['spec']>): Pod => ({ ...pod, spec: { ...pod.spec, ...spec } });
const cfg: DnsConfig = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostNameservers: ['192.168.1.1', '1.1.1.1'], hostSearches: ['corp.example'], hostOptions: ['edns0'] };
const CLUSTER_SEARCH = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];

test('podDnsConfig follows the dnsPolicy rules of pkg/kubelet/network/dns', () => {
  const cases: [string, Partial<Pod['spec']>, DnsConfig, { servers: string[]; searches: string[]; options: string[] }][] = [
    ['ClusterFirst', {}, cfg, { servers: ['10.96.0.10'], searches: [...CLUSTER_SEARCH, 'corp.example'], options: ['ndots:5'] }],
    ['explicit ClusterFirst', { dnsPolicy: 'ClusterFirst' }, cfg, { servers: ['10.96.0.10'], searches: [...CLUSTER_SEARCH, 'corp.example'], options: ['ndots:5'] }],
    ['hostNetwork + ClusterFirst uses the node', { hostNetwork: true }, cfg, { servers: ['192.168.1.1', '1.1.1.1'], searches: ['corp.example'], options: ['edns0'] }],
    ['ClusterFirstWithHostNet', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }, cfg, { servers: ['10.96.0.10'], searches: [...CLUSTER_SEARCH, 'corp.example'], options: ['ndots:5'] }],
    ['Default', { dnsPolicy: 'Default' }, cfg, { servers: ['192.168.1.1', '1.1.1.1'], searches: ['corp.example'], options: ['edns0'] }],
    ['None without dnsConfig is empty', { dnsPolicy: 'None' }, cfg, { servers: [], searches: [], options: [] }],
    ['ClusterFirst without cluster DNS falls back to Default', {}, { ...cfg, clusterDNS: [] }, { servers: ['192.168.1.1', '1.1.1.1'], searches: ['corp.example'], options: ['edns0'] }],
    ['no cluster domain: only the node searches', {}, { ...cfg, clusterDomain: '' }, { servers: ['10.96.0.10'], searches: ['corp.example'], options: ['ndots:5'] }],
    ['node search duplicates dropped', {}, { ...cfg, hostSearches: ['cluster.local', 'corp.example'] }, { servers: ['10.96.0.10'], searches: [...CLUSTER_SEARCH, 'corp.example'], options: ['ndots:5'] }],
  ];
  for (const [name, spec, c, want] of cases) assert.deepEqual(podDnsConfig(withSpec(spec), c), want, name);
});

test('dnsConfig is merged: None with dnsConfig, options overridden by name, duplicates dropped, limits', () => {
  const none = withSpec({ dnsPolicy: 'None', dnsConfig: { nameservers: ['8.8.8.8'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } });
  assert.deepEqual(podDnsConfig(none, cfg), { servers: ['8.8.8.8'], searches: ['a.example'], options: ['ndots:2', 'edns0'] });
  const merged = withSpec({ dnsConfig: { nameservers: ['10.96.0.10', '8.8.8.8'], searches: ['svc.cluster.local', 'b.example'], options: [{ name: 'ndots', value: '1' }, { name: 'timeout', value: '' }] } });
  assert.deepEqual(podDnsConfig(merged, cfg), { servers: ['10.96.0.10', '8.8.8.8'], searches: [...CLUSTER_SEARCH, 'corp.example', 'b.example'], options: ['ndots:1', 'timeout'] });
  // at most 3 nameservers
  const many = withSpec({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'] } });
  assert.deepEqual(podDnsConfig(many, cfg).servers, ['1.1.1.1', '2.2.2.2', '3.3.3.3']);
  // at most 32 search domains, none longer than 253 characters, the line within 2048
  const domains = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
  assert.deepEqual(podDnsConfig(withSpec({ dnsPolicy: 'None', dnsConfig: { searches: domains } }), cfg).searches, domains.slice(0, 32));
  const long = 'x'.repeat(254);
  assert.deepEqual(podDnsConfig(withSpec({ dnsPolicy: 'None', dnsConfig: { searches: ['a.example', long] } }), cfg).searches, ['a.example']);
  const big = Array.from({ length: 10 }, (_, i) => `${String(i).padStart(3, '0')}.${'y'.repeat(245)}`);
  const fitted = podDnsConfig(withSpec({ dnsPolicy: 'None', dnsConfig: { searches: big } }), cfg).searches;
  assert.deepEqual(fitted, big.slice(0, 8));
  assert.ok(fitted.join(' ').length <= 2048);
});

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

test('the node resolv.conf is read like parseResolvConf', () => {
  const text = '# comment\nsearch old.example\nnameserver 10.0.0.2\nsearch corp.example. . lab.example\noptions ndots:2 timeout:1\noptions ndots:3 rotate\n';
  assert.deepEqual(parseSearches(text), ['corp.example', 'lab.example']); // the last search line wins
  assert.deepEqual(parseOptions(text), ['ndots:3', 'timeout:1', 'rotate']);
  assert.deepEqual(parseNameservers(text), ['10.0.0.2']);
  assert.deepEqual(parseSearches('nameserver 1.1.1.1\n'), []);
});

test('hosts file has localhost and the pod IP with its name (and FQDN with a subdomain)', () => {
  const h = hostsFile(pod, '10.244.1.5', 'cluster.local');
  assert.match(h, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(h, /^10\.244\.1\.5\tweb-1$/m);
  const h2 = hostsFile({ ...pod, spec: { ...pod.spec, subdomain: 'sub' } }, '10.244.1.5', 'cluster.local');
  assert.match(h2, /^10\.244\.1\.5\tweb-1\.sub\.shop\.svc\.cluster\.local\tweb-1$/m);
});

test('hosts file is exactly managedHostsFileContent, hostAliases appended', () => {
  const h = hostsFile(withSpec({ hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }, { ip: '10.1.2.3', hostnames: ['foo.remote'] }] }), '10.244.1.5', 'cluster.local');
  assert.equal(
    h,
    [
      '# Kubernetes-managed hosts file.',
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'fe00::0\tip6-mcastprefix',
      'fe00::1\tip6-allnodes',
      'fe00::2\tip6-allrouters',
      '10.244.1.5\tweb-1',
      '',
      '# Entries added by HostAliases.',
      '127.0.0.1\tfoo.local\tbar.local',
      '10.1.2.3\tfoo.remote',
      '',
    ].join('\n'),
  );
});
