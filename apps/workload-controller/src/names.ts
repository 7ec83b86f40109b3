// Kubernetes-style names: pod-template-hash (FNV-32a of the template, safe-encoded) and
// random suffixes, both over the alphabet Kubernetes uses so names never spell words.
import { randomInt } from 'node:crypto';
import { canonicalJson, type PodTemplateSpec } from '@svcnet/api-types';

/** Kubernetes' rand.SafeEncodeString alphabet: no vowels, no 0/1/3 (look like letters). */
export const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export const LABEL_POD_TEMPLATE_HASH = 'pod-template-hash';
export const ANNOTATION_REVISION = 'deployment.kubernetes.io/revision';

/** Maps every character onto SAFE_ALPHANUMS, as Kubernetes' SafeEncodeString does. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

export function fnv32a(data: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(data, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The pod-template-hash of a template: the decimal FNV-32a sum, safe-encoded
 * (up to 10 chars, like "869759589d"). The template's own pod-template-hash label is
 * ignored so a ReplicaSet's template hashes the same as its Deployment's.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount = 0): string {
  const h = fnv32a(canonicalJson(stripHashLabel(template)) + (collisionCount ? `#${collisionCount}` : ''));
  return safeEncodeString(String(h));
}

export function stripHashLabel(template: PodTemplateSpec): PodTemplateSpec {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[LABEL_POD_TEMPLATE_HASH];
  return { ...template, metadata: { ...(template.metadata ?? {}), labels } };
}

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SAFE_ALPHANUMS[randomInt(SAFE_ALPHANUMS.length)];
  return s;
}

/** generateName semantics: the prefix is cut so the whole name stays within 63 chars. */
export function generateName(prefix: string, n = 5): string {
  const max = 63 - n;
  return `${prefix.length > max ? prefix.slice(0, max) : prefix}${randomSuffix(n)}`;
}

export function replicaSetName(deploymentName: string, hash: string): string {
  return `${deploymentName}-${hash}`;
}
