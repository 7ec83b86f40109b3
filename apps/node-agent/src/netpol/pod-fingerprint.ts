// Which pod changes matter to NetworkPolicy: address, labels, node, named ports, phase. Status
// heartbeats (conditions, container states) must not cause syncs.
import type { Pod } from '@svcnet/api-types';
import { policyPod } from '@svcnet/network-policy';

export function podFingerprint(pod: Pod | undefined): string {
  const p = pod ? policyPod(pod) : undefined;
  return p ? JSON.stringify(p) : '';
}
