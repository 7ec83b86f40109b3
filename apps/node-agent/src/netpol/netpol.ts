// startNetworkPolicy wires the NetworkPolicy half: cluster-wide Pod, Namespace and
// NetworkPolicy informers of its own (the kubelet's pod informer sees only this node's pods),
// the nft executor for the current netns, and metrics.
import { createInformer, type ResourceClient } from '@svcnet/api-client';
import type { Namespace, NetworkPolicy, Pod } from '@svcnet/api-types';
import { NftExecutor } from '@svcnet/nftables';
import type { Logger, Registry } from '@svcnet/observability';
import { parseDurationMs } from '../proxy/proxy-flags';
import { NetpolMetrics } from './netpol-metrics';
import { PolicyEnforcer } from './policy-enforcer';

export interface NetworkPolicyOptions {
  nodeName: string;
  table: string;
  syncPeriod: string;
  minSyncPeriod: string;
  pods: ResourceClient<Pod>;
  namespaces: ResourceClient<Namespace>;
  policies: ResourceClient<NetworkPolicy>;
  log: Logger;
  registry: Registry;
}

export interface NetworkPolicyHalf {
  enforcer: PolicyEnforcer;
  /** starts the informers, then the first sync; resolves true once it succeeded (false after timeoutMs) */
  start(timeoutMs: number): Promise<boolean>;
  stop(): void;
}

export function createNetworkPolicy(o: NetworkPolicyOptions): NetworkPolicyHalf {
  const log = o.log.child({ half: 'netpol' });
  const onError = (resource: string) => (err: Error, phase: string) => log.warn('informer error', { resource, phase, err: err.message });
  const pods = createInformer(o.pods, { onError: onError('pods') });
  const namespaces = createInformer(o.namespaces, { onError: onError('namespaces') });
  const policies = createInformer(o.policies, { onError: onError('networkpolicies') });
  const enforcer = new PolicyEnforcer({
    nft: new NftExecutor(),
    nodeName: o.nodeName,
    table: o.table,
    pods,
    namespaces,
    policies,
    log,
    metrics: new NetpolMetrics(o.registry),
    minSyncPeriodMs: parseDurationMs(o.minSyncPeriod),
    syncPeriodMs: parseDurationMs(o.syncPeriod),
  });
  return {
    enforcer,
    async start(timeoutMs) {
      const first = new Promise<boolean>((resolve) => enforcer.onSync(() => resolve(true)));
      await Promise.all([pods.start(), namespaces.start(), policies.start()]);
      enforcer.start();
      return Promise.race([first, new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref())]);
    },
    stop() {
      enforcer.stop();
      pods.stop();
      namespaces.stop();
      policies.stop();
    },
  };
}
