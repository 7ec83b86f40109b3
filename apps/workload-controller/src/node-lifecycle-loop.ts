// Periodically checks the cached Nodes and writes Ready=Unknown for stale ones (status subresource).
import type { Informer, ResourceClient } from '@svcnet/api-client';
import { rfc3339, type Event, type Node } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import { staleReadyCondition, withReadyCondition } from './node-lifecycle';

export interface NodeLifecycleOptions {
  nodes: Informer<Node>;
  client: ResourceClient<Node>;
  events: ResourceClient<Event>;
  graceMs: number;
  periodMs: number;
  log: Logger;
}

export function startNodeLifecycle(o: NodeLifecycleOptions): () => void {
  let running = false;
  const check = async () => {
    if (running || !o.nodes.hasSynced()) return;
    running = true;
    try {
      for (const n of o.nodes.list()) {
        const ready = staleReadyCondition(n, Date.now(), o.graceMs);
        if (!ready) continue;
        try {
          await o.client.updateStatus(withReadyCondition(n, ready));
          o.log.warn('node stopped posting status: Ready=Unknown', { node: n.metadata.name });
          const now = rfc3339();
          await o.events
            .create({
              metadata: { generateName: `${n.metadata.name}.`, namespace: 'default' },
              involvedObject: { kind: 'Node', name: n.metadata.name, uid: n.metadata.uid, apiVersion: 'v1' },
              reason: 'NodeNotReady',
              message: `Node ${n.metadata.name} status is now: NodeNotReady`,
              type: 'Normal',
              source: { component: 'node-controller' },
              firstTimestamp: now,
              lastTimestamp: now,
              count: 1,
            })
            .catch(() => undefined);
        } catch (e) {
          o.log.warn('could not mark node Unknown (will retry)', { node: n.metadata.name, err: e as Error });
        }
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), o.periodMs);
  return () => clearInterval(timer);
}
