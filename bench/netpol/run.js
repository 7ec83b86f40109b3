#!/usr/bin/env node
// NetworkPolicy benchmark, part 1: sync time. 1k policies over 10k pod IPs (100 namespaces x
// 100 pods, 1k on this node; each policy selects one app's pods and allows from pods of
// another app, from a namespace by label and an ipBlock), compiled, rendered and applied to a
// real kernel table in a throwaway netns: full sync into an empty table, a restart resync
// (read the kernel, diff, nothing to apply), one pod added (the change a label edit makes).
//   sudo node bench/netpol/run.js [--policies=1000] [--pods=10000]
// Needs the libs built (npx tsc -b libs/network-policy) and root.
'use strict';
const { execFileSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const { NftExecutor } = require('@svcnet/nftables');
const { compilePolicies, renderPolicyRuleset, policyPod } = require('@svcnet/network-policy');
const { diff, expectedState } = require('@svcnet/proxy-rules');

const argv = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const POLICIES = Number(argv.policies ?? 1000);
const PODS = Number(argv.pods ?? 10000);
const NS = 100;
const NODE = 'bench-node';
const netns = `svcnet-b-np-${process.pid}`;

function pods(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const ns = `ns-${i % NS}`;
    out.push({ metadata: { namespace: ns, name: `p-${i}`, labels: { app: `app-${Math.floor(i / NS) % (POLICIES / 10 || 1)}`, role: i % 3 ? 'client' : 'server' } },
      spec: { nodeName: i % 10 === 0 ? NODE : 'other', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
      status: { phase: 'Running', podIP: `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}` } });
  }
  return out;
}

function policies(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({ metadata: { namespace: `ns-${i % NS}`, name: `np-${i}` }, spec: {
      podSelector: { matchLabels: { app: `app-${i % (n / 10 || 1)}` } }, policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }, { namespaceSelector: { matchLabels: { team: `t-${i % 7}` } } }, { ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }], ports: [{ port: 'http' }, { port: 9000, endPort: 9100 }] }],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { team: `t-${i % 7}` } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 8080 }] }],
    } });
  }
  return out;
}

const namespaces = Array.from({ length: NS }, (_, i) => ({ name: `ns-${i}`, labels: { 'kubernetes.io/metadata.name': `ns-${i}`, team: `t-${i % 7}` } }));

async function main() {
  execFileSync('ip', ['netns', 'add', netns]);
  try {
    const nft = new NftExecutor({ netns });
    const allPods = pods(PODS);
    const input = { policies: policies(POLICIES), pods: allPods.map(policyPod), namespaces, nodeName: NODE };
    let t = performance.now();
    const compiled = compilePolicies(input);
    const tCompile = performance.now() - t;
    t = performance.now();
    const rs = renderPolicyRuleset(compiled);
    const tRender = performance.now() - t;
    t = performance.now();
    const tx = diff(undefined, rs);
    await nft.apply(tx);
    const tApply = performance.now() - t;
    t = performance.now();
    const again = diff(await nft.read('ip', rs.table), renderPolicyRuleset(compilePolicies(input)));
    const tResync = performance.now() - t;
    const more = { ...input, pods: [...input.pods, policyPod({ metadata: { namespace: 'ns-1', name: 'new', labels: { app: 'app-1', role: 'client' } }, spec: { nodeName: 'other' }, status: { phase: 'Running', podIP: '10.99.0.1' } })] };
    t = performance.now();
    const inc = diff(expectedState(rs), renderPolicyRuleset(compilePolicies(more)));
    await nft.apply(inc);
    const tInc = performance.now() - t;
    const elements = rs.sets.reduce((n, s) => n + s.elements.length, 0);
    console.log(`svcnet NetworkPolicy sync benchmark: ${POLICIES} policies, ${PODS} pod IPs (${input.pods.filter((p) => p.nodeName === NODE).length} on this node)`);
    console.log(`groups (chains) ${compiled.groups.size}, sets ${rs.sets.length}, elements ${elements}`);
    console.log(`| step | ms | operations |\n|---|---|---|`);
    console.log(`| compile | ${tCompile.toFixed(0)} | |`);
    console.log(`| render | ${tRender.toFixed(0)} | |`);
    console.log(`| full sync into an empty table (diff + nft -f) | ${tApply.toFixed(0)} | ${tx.size} |`);
    console.log(`| restart resync (compile + render + read kernel + diff) | ${tResync.toFixed(0)} | ${again.size} |`);
    console.log(`| one peer pod added (compile + render + diff + apply) | ${tInc.toFixed(0)} | ${inc.size} |`);
  } finally {
    execFileSync('ip', ['netns', 'del', netns]);
  }
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
