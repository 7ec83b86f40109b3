// The e2e model as API objects for unit tests: pods a and b of each namespace on node-1, c on
// node-2, so the tracer sees same-node and cross-node paths.
import type { NetworkPolicy, Pod } from '@svcnet/api-types';
import { FakeNftables, tracePacket } from '@svcnet/nftables';
import type { NamespaceInfo } from './compile';
import { policyPod } from './policy-pod';
import { syncPolicies } from './sync-policies';
import { MODEL_NAMESPACES, MODEL_PEERS, MODEL_PODS, MODEL_PORTS, MODEL_PROTOCOLS, TruthTable, modelPortName, nsOf, podOf } from './truth-table';

export const NODES = ['node-1', 'node-2'];

export function modelIP(peer: string): string {
  const ns = MODEL_NAMESPACES.indexOf(nsOf(peer) as never);
  const pod = MODEL_PODS.indexOf(podOf(peer) as never);
  return `10.244.${pod === 2 ? 2 : 1}.${10 * (ns + 1) + pod + 1}`;
}

export function modelPod(peer: string, labels?: Record<string, string>): Pod {
  const [ns, name] = peer.split('/');
  return {
    metadata: { namespace: ns, name, labels: labels ?? { pod: name } },
    spec: {
      nodeName: name === 'c' ? 'node-2' : 'node-1',
      containers: MODEL_PORTS.flatMap((port) =>
        MODEL_PROTOCOLS.map((protocol) => ({ name: `cont-${port}-${protocol.toLowerCase()}`, image: 'busybox', ports: [{ name: modelPortName(port, protocol), containerPort: port, protocol }] })),
      ),
    },
    status: { phase: 'Running', podIP: modelIP(peer) },
  } as Pod;
}

export function modelNamespaces(extra: Record<string, Record<string, string>> = {}): NamespaceInfo[] {
  return MODEL_NAMESPACES.map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name, ns: name, ...extra[name] } }));
}

export function np(namespace: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec };
}

export interface ModelCluster {
  fakes: Map<string, FakeNftables>;
  probe(from: string, to: string, protocol?: string, port?: number, ct?: 'new' | 'established'): boolean;
  table(protocol?: string, port?: number): TruthTable;
}

/** Syncs every node's fake with the policies, then answers probes by tracing the forward hook of the source node and the destination node. */
export async function modelCluster(policies: NetworkPolicy[], opts: { pods?: Pod[]; namespaces?: NamespaceInfo[] } = {}): Promise<ModelCluster> {
  const pods = opts.pods ?? MODEL_PEERS.map((p) => modelPod(p));
  const input = { policies, pods: pods.map(policyPod).filter((p) => !!p), namespaces: opts.namespaces ?? modelNamespaces() };
  const fakes = new Map<string, FakeNftables>();
  const tables = new Map<string, Awaited<ReturnType<FakeNftables['read']>>>();
  for (const node of NODES) {
    const f = new FakeNftables();
    await syncPolicies(f, { ...input, nodeName: node });
    fakes.set(node, f);
    tables.set(node, await f.read('ip', 'svcnet-netpol'));
  }
  const nodeOf = (peer: string) => (podOf(peer) === 'c' ? 'node-2' : 'node-1');
  const probe = (from: string, to: string, protocol = 'TCP', port = 80, ct: 'new' | 'established' = 'new') => {
    // A pod's traffic to itself never leaves its network namespace (upstream: AllowLoopback).
    if (from === to) return true;
    const pkt = { saddr: modelIP(from), daddr: modelIP(to), l4proto: protocol.toLowerCase(), sport: 40000, dport: port, ct };
    for (const node of new Set([nodeOf(from), nodeOf(to)])) if (tracePacket(tables.get(node)!, 'forward', pkt).verdict === 'drop') return false;
    return true;
  };
  return {
    fakes,
    probe,
    table: (protocol = 'TCP', port = 80) => {
      const t = new TruthTable();
      for (const f of MODEL_PEERS) for (const to of MODEL_PEERS) t.set(f, to, probe(f, to, protocol, port));
      return t;
    },
  };
}
