// Golden text of the rendered table for a policy set, and the diff properties the agent relies
// on: a second sync is empty, a new peer pod is a few element operations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeNftables } from '@svcnet/nftables';
import { compilePolicies } from './compile';
import { modelNamespaces, modelPod, np } from './model-fixture';
import { policyPod } from './policy-pod';
import { renderPolicyRuleset } from './render-ruleset';
import { rulesetText } from './render-text';
import { syncPolicies } from './sync-policies';
import { MODEL_PEERS } from './truth-table';

const GOLDEN = path.join(__dirname, '../src/testdata/policies.nft');

const policies = [
  np('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
  np('x', 'allow-from-y-web', {
    podSelector: { matchLabels: { pod: 'a' } },
    ingress: [
      { from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }, { port: 81, endPort: 85, protocol: 'UDP' }] },
      { from: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }] },
    ],
    policyTypes: ['Ingress'],
  }),
  np('y', 'egress-dns-and-x', { podSelector: { matchLabels: { pod: 'b' } }, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }, { to: [{ namespaceSelector: { matchLabels: { ns: 'x' } } }] }], policyTypes: ['Egress'] }),
];
const input = () => ({ policies, pods: MODEL_PEERS.map((p) => policyPod(modelPod(p))!), namespaces: modelNamespaces(), nodeName: 'node-1' });

test('rendered table matches the golden text', () => {
  const text = rulesetText(renderPolicyRuleset(compilePolicies(input())));
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, text);
  assert.equal(text, fs.readFileSync(GOLDEN, 'utf8'));
});

test('pods with the same rules share one group; other nodes\' pods are not targets', () => {
  const c = compilePolicies(input());
  // x/a has its own combination; x/b (deny only) is its own group; x/c is on node-2.
  assert.deepEqual([...c.ingress.keys()].sort(), ['10.244.1.11', '10.244.1.12']);
  assert.deepEqual([...c.egress.keys()], ['10.244.1.22']);
  assert.equal(c.groups.size, 3);
});

test('a second sync is empty; a new peer pod changes elements only', async () => {
  const f = new FakeNftables();
  const first = await syncPolicies(f, input());
  assert.ok(first.transaction.size > 0);
  const again = await syncPolicies(f, input());
  assert.equal(again.transaction.size, 0);
  const extra = { ...modelPod('y/d'), metadata: { namespace: 'y', name: 'd', labels: { pod: 'd' } }, status: { phase: 'Running' as const, podIP: '10.244.3.7' } };
  const grown = { ...input(), pods: [...input().pods, policyPod(extra)!] };
  const inc = await syncPolicies(f, grown, undefined, again.state);
  assert.ok(inc.transaction.operations.every((op) => op.kind === 'element'), JSON.stringify(inc.transaction.operations));
  assert.ok(inc.transaction.size <= 4);
  const full = await syncPolicies(f, grown);
  assert.equal(full.transaction.size, 0);
});
