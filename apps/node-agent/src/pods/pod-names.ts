// Names of a pod's node-level artifacts, derived from its uid so they survive agent restarts.
import { createHash } from 'node:crypto';

/** short id from the uid: the first 12 hex digits of a UUID (hashed if the uid is not hex) */
export function shortId(uid: string): string {
  const hex = uid.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{12,}$/.test(hex) ? hex.slice(0, 12) : createHash('sha1').update(uid).digest('hex').slice(0, 12);
}

/** the pod's netns: per-node prefix (all nodes of a local cluster share /run/netns) + short uid */
export function podNetnsName(prefix: string, uid: string): string {
  return `${prefix}${shortId(uid)}`;
}

export const HOST_VETH_PREFIX = 'svp';

/** the host end of the pod's veth; interface names are limited to 15 characters */
export function hostVethName(uid: string): string {
  return `${HOST_VETH_PREFIX}${createHash('sha1').update(uid).digest('hex').slice(0, 11)}`;
}

/** default netns prefix for a node: "svcnet-<node>-", the node name shortened by a hash when long */
export function defaultNetnsPrefix(nodeName: string): string {
  const n = nodeName.length <= 20 ? nodeName : `${nodeName.slice(0, 12)}${createHash('sha1').update(nodeName).digest('hex').slice(0, 8)}`;
  return `svcnet-${n}-`;
}
