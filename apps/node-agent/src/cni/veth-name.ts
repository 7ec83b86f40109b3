// The host end of a pod's veth, derived from the container ID so DEL finds it without state,
// even after the sandbox netns is gone.
import { createHash } from 'node:crypto';

export const HOST_VETH_PREFIX = 'svp';

/** "svp" + 11 hex chars = 14, under the 15-char interface name limit */
export function hostVethName(containerId: string): string {
  return HOST_VETH_PREFIX + createHash('sha256').update(containerId).digest('hex').slice(0, 11);
}
