import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicy } from '@svcnet/api-types';
import { defaultNetworkPolicy } from './network-policy-defaults';
import { validateNetworkPolicy } from './network-policy-validation';

const np = (spec: Record<string, unknown>, name = 'p'): NetworkPolicy =>
  defaultNetworkPolicy({ metadata: { name, namespace: 'default' }, spec } as unknown as NetworkPolicy);

test('defaulting: policyTypes from the rules present, TCP ports, podSelector {}', () => {
  assert.deepEqual(np({}).spec, { podSelector: {}, policyTypes: ['Ingress'] });
  assert.deepEqual(np({ egress: [{}] }).spec.policyTypes, ['Ingress', 'Egress']);
  assert.deepEqual(np({ egress: [] }).spec.policyTypes, ['Ingress']);
  assert.deepEqual(np({ policyTypes: ['Egress'], ingress: [{}] }).spec.policyTypes, ['Egress']);
  assert.deepEqual(np({ ingress: [{ ports: [{ port: 80 }, { protocol: 'UDP' }] }] }).spec.ingress![0].ports, [{ port: 80, protocol: 'TCP' }, { protocol: 'UDP' }]);
});

const cases: [string, NetworkPolicy, string[]][] = [
  ['valid', np({ podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: {}, podSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 80, endPort: 90 }, { port: 'http' }] }] }), []],
  ['port range', np({ ingress: [{ ports: [{ port: 0 }, { port: 70000 }] }] }), [
    'spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ingress[0].ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ]],
  ['endPort < port', np({ egress: [{ ports: [{ port: 90, endPort: 80 }] }] }), ['spec.egress[0].ports[0].endPort: Invalid value: 90: must be greater than or equal to `port`']],
  ['endPort with a named port', np({ ingress: [{ ports: [{ port: 'http', endPort: 80 }] }] }), ['spec.ingress[0].ports[0].endPort: Invalid value: 80: may not be specified when `port` is non-numeric']],
  ['endPort without port', np({ ingress: [{ ports: [{ endPort: 80 }] }] }), ['spec.ingress[0].ports[0].endPort: Invalid value: 80: may not be specified when `port` is not specified']],
  ['protocol', np({ ingress: [{ ports: [{ protocol: 'ICMP', port: 1 }] }] }), ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"']],
  ['port name', np({ ingress: [{ ports: [{ port: 'no_such' }] }] }), ['spec.ingress[0].ports[0].port: Invalid value: "no_such": must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)']],
  ['empty peer', np({ ingress: [{ from: [{}] }] }), ['spec.ingress[0].from[0]: Required value: must specify a peer']],
  ['ipBlock and another peer', np({ egress: [{ to: [{ podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }] }] }), ['spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer']],
  ['bad cidr', np({ ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }), ['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
  ['cidr required', np({ ingress: [{ from: [{ ipBlock: { cidr: '' } }] }] }), ['spec.ingress[0].from[0].ipBlock.cidr: Required value']],
  ['except outside cidr', np({ ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24', '10.0.0.0/16', '10.0.1.0/24'] } }] }] }), [
    'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
    'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`',
  ]],
  ['selector operator', np({ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Is', values: ['x'] }] } }), [
    "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    'spec.podSelector.matchExpressions[1].operator: Invalid value: "Is": not a valid selector operator',
  ]],
  ['policyTypes', np({ policyTypes: ['Ingress', 'Sideways'] }), ['spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"']],
  ['too many policyTypes', np({ policyTypes: ['Ingress', 'Egress', 'Ingress'] }), ['spec.policyTypes: Invalid value: []string{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes']],
];

for (const [name, obj, want] of cases) {
  test(`validation: ${name}`, () => assert.deepEqual(validateNetworkPolicy(obj).map(String), want));
}
