import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '@svcnet/api-types';
import { defaultService } from './service-defaults';
import { validateService, validateServiceUpdate } from './service-validation';

function svc(spec: Record<string, unknown>, name = 'web'): Service {
  return defaultService({ metadata: { name, namespace: 'default' }, spec } as Service);
}
const tcp80 = [{ port: 80 }];

const cases: [string, Service, string[]][] = [
  ['valid ClusterIP', svc({ selector: { app: 'web' }, ports: tcp80 }), []],
  ['DNS-1035 name', svc({ ports: tcp80 }, 'Foo_bar'), [
    `metadata.name: Invalid value: "Foo_bar": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
  ]],
  ['ports required', svc({}), ['spec.ports: Required value']],
  ['headless needs no ports', svc({ clusterIP: 'None' }), []],
  ['port range', svc({ ports: [{ port: 0, targetPort: 80 }] }), ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']],
  ['names required with several ports', svc({ ports: [{ port: 80, name: 'http' }, { port: 81 }] }), ['spec.ports[1].name: Required value']],
  ['duplicate names', svc({ ports: [{ port: 80, name: 'http' }, { port: 81, name: 'http' }] }), ['spec.ports[1].name: Duplicate value: "http"']],
  ['duplicate protocol+port', svc({ ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] }), [
    'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ]],
  ['protocol', svc({ ports: [{ port: 80, protocol: 'ICMP' }] }), ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']],
  ['targetPort name', svc({ ports: [{ port: 80, targetPort: 'HTTP' }] }), [
    'spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)',
    'spec.ports[0].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)',
  ]],
  ['targetPort number', svc({ ports: [{ port: 80, targetPort: 70000 }] }), ['spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
  ['type', svc({ type: 'Foo', ports: tcp80 }), ['spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
  ['nodePort on ClusterIP', svc({ ports: [{ port: 80, nodePort: 30080 }] }), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
  ['duplicate nodePort', svc({ type: 'NodePort', ports: [{ port: 80, name: 'a', nodePort: 30080 }, { port: 81, name: 'b', nodePort: 30080 }] }), ['spec.ports[1].nodePort: Duplicate value: 30080']],
  ['sessionAffinity', svc({ ports: tcp80, sessionAffinity: 'Sticky' }), ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']],
  ['affinity timeout', svc({ ports: tcp80, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } }), [
    'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
  ]],
  ['affinity config with None', svc({ ports: tcp80, sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } }), ['spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None']],
  ['externalName required', svc({ type: 'ExternalName' }), ['spec.externalName: Required value']],
  ['externalName subdomain', svc({ type: 'ExternalName', externalName: 'Bad_Name' }), [
    `spec.externalName: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  ]],
  ['valid ExternalName with trailing dot', svc({ type: 'ExternalName', externalName: 'example.com.' }), []],
  ['clusterIP invalid', svc({ ports: tcp80, clusterIP: '10.0.0.300' }), ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
  ['externalIPs', svc({ ports: tcp80, externalIPs: ['1.2.3', '127.0.0.1'] }), [
    'spec.externalIPs[0]: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'spec.externalIPs[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ]],
  ['source ranges', svc({ type: 'LoadBalancer', ports: tcp80, loadBalancerSourceRanges: ['10.0.0.0/33'] }), [
    'spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]],
  ['loadBalancerIP on ClusterIP', svc({ ports: tcp80, loadBalancerIP: '1.2.3.4' }), ["spec.loadBalancerIP: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
  ['externalTrafficPolicy on ClusterIP', svc({ ports: tcp80, externalTrafficPolicy: 'Local' }), ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']],
  ['externalTrafficPolicy value', svc({ type: 'NodePort', ports: tcp80, externalTrafficPolicy: 'Global' }), ['spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"']],
  ['healthCheckNodePort required', svc({ type: 'LoadBalancer', ports: tcp80, externalTrafficPolicy: 'Local' }), ['spec.healthCheckNodePort: Required value']],
  ['healthCheckNodePort forbidden', svc({ type: 'NodePort', ports: tcp80, healthCheckNodePort: 30100 }), [
    "spec.healthCheckNodePort: Invalid value: 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
  ]],
  ['internalTrafficPolicy', svc({ ports: tcp80, internalTrafficPolicy: 'Nearby' }), ['spec.internalTrafficPolicy: Unsupported value: "Nearby": supported values: "Cluster", "Local"']],
  ['selector labels', svc({ ports: tcp80, selector: { app: 'a b' } }), [
    `spec.selector: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
  ]],
  ['headless NodePort', svc({ type: 'NodePort', clusterIP: 'None', ports: tcp80 }), ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]],
];

for (const [name, service, want] of cases) {
  test(`validateService: ${name}`, () => assert.deepEqual(validateService(service).map(String), want));
}

const old = svc({ ports: tcp80, clusterIP: '10.96.0.10' });
const updates: [string, Service, string[]][] = [
  ['clusterIP change', svc({ ports: tcp80, clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.10'] }), [
    'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.20"}: may not change once set',
  ]],
  ['same clusterIP', svc({ ports: [{ port: 81 }], clusterIP: '10.96.0.10' }), []],
  ['to ExternalName', svc({ type: 'ExternalName', externalName: 'example.com' }), []],
  ['rename', svc({ ports: tcp80, clusterIP: '10.96.0.10' }, 'other'), ['metadata.name: Invalid value: "other": field is immutable']],
];
for (const [name, next, want] of updates) {
  test(`validateServiceUpdate: ${name}`, () => assert.deepEqual(validateServiceUpdate(next, old).map(String), want));
}

test('defaultService fills Kubernetes defaults without touching the input', () => {
  const input = { metadata: { name: 'lb', namespace: 'default' }, spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] } } as Service;
  const out = defaultService(input);
  assert.deepEqual(out.spec, {
    type: 'LoadBalancer',
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    allocateLoadBalancerNodePorts: true,
  });
  assert.equal(input.spec.ports![0].protocol, undefined);
  const ext = defaultService({ metadata: { name: 'x' }, spec: { type: 'ExternalName', externalName: 'a.b' } } as Service);
  assert.equal(ext.spec.ipFamilies, undefined);
  assert.equal(ext.spec.ipFamilyPolicy, undefined);
});
