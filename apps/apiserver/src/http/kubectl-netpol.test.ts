// The real kubectl with networking.k8s.io/v1 NetworkPolicy: apply with defaulting, get netpol
// (NAME POD-SELECTOR AGE), kubectl's own describe, patch, watch over gRPC's sibling HTTP API,
// and validation errors word for word with nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startKubectlCluster, KUBECTL, type KubectlCluster } from './kubectl-harness';

let c: KubectlCluster;

before(async () => {
  c = await startKubectlCluster();
});
after(async () => {
  await c?.stop();
});

const rows = (out: string): string[][] => out.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
`;

test('kubectl apply/get/describe/patch a NetworkPolicy (the Kubernetes docs example)', async () => {
  assert.equal(await c.ok(['apply', '-f', c.write('np.yaml', POLICY)]), 'networkpolicy.networking.k8s.io/test-network-policy created\n');
  assert.equal(await c.ok(['apply', '-f', c.write('deny.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n')]), 'networkpolicy.networking.k8s.io/default-deny created\n');
  const t = rows(await c.ok(['get', 'netpol']));
  assert.deepEqual(t[0], ['NAME', 'POD-SELECTOR', 'AGE']);
  assert.deepEqual(t.slice(1).map((r) => r.slice(0, 2)), [['default-deny', '<none>'], ['test-network-policy', 'role=db']]);
  assert.match(t[1][2], /^\d+s$/);
  // defaulting: policyTypes from the rules present, port protocol TCP
  assert.equal(await c.ok(['get', 'networkpolicy', 'default-deny', '-o', 'jsonpath={.spec.policyTypes}']), '["Ingress"]');
  const d = await c.ok(['describe', 'networkpolicy', 'test-network-policy']);
  for (const line of [
    /^Name:\s+test-network-policy$/m,
    /^Namespace:\s+default$/m,
    /^  PodSelector:\s+role=db$/m,
    /^  Allowing ingress traffic:$/m,
    /^    To Port: 6379\/TCP$/m,
    /^        CIDR: 172\.17\.0\.0\/16$/m,
    /^        Except: 172\.17\.1\.0\/24$/m,
    /^      NamespaceSelector: project=myproject$/m,
    /^      PodSelector: role=frontend$/m,
    /^  Allowing egress traffic:$/m,
    /^    To Port: 5978\/TCP$/m,
    /^  Policy Types: Ingress, Egress$/m,
  ]) assert.match(d, line);
  await c.ok(['patch', 'netpol', 'default-deny', '--type=merge', '-p', '{"spec":{"egress":[{}],"policyTypes":null}}']);
  assert.equal(await c.ok(['get', 'netpol', 'default-deny', '-o', 'jsonpath={.spec.policyTypes}']), '["Ingress","Egress"]');
  assert.equal(await c.ok(['delete', 'netpol', 'default-deny', 'test-network-policy']), 'networkpolicy.networking.k8s.io "default-deny" deleted\nnetworkpolicy.networking.k8s.io "test-network-policy" deleted\n');
});

test('invalid NetworkPolicies are refused with Kubernetes\' messages and nothing is stored', async () => {
  const bad = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad
spec:
  podSelector: {}
  ingress:
  - ports:
    - port: 90
      endPort: 80
    - protocol: ICMP
    from:
    - ipBlock:
        cidr: 10.0.0.0/16
        except: [10.1.0.0/24]
`;
  assert.equal(
    await c.fails(['apply', '-f', c.write('bad.yaml', bad)]),
    'The NetworkPolicy "bad" is invalid: \n' +
      '* spec.ingress[0].ports[0].endPort: Invalid value: 90: must be greater than or equal to `port`\n' +
      '* spec.ingress[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"\n' +
      '* spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
  );
  assert.match(await c.fails(['get', 'netpol', 'bad']), /NotFound|not found/);
});
