// Metadata the apiserver owns: uid, timestamps, generation, generated names.
import { randomBytes, randomUUID } from 'node:crypto';
import { rfc3339, type KubeObject } from '@svcnet/api-types';

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' generateName suffix: 5 characters that can't spell words. */
export function randomNameSuffix(n = 5): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[bytes[i] % NAME_CHARS.length];
  return s;
}


export function stampForCreate(obj: KubeObject): void {
  const m = obj.metadata;
  if (!m.name && m.generateName) m.name = m.generateName + randomNameSuffix();
  m.uid = randomUUID();
  m.creationTimestamp = rfc3339();
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  if ('spec' in obj) m.generation = 1;
}

/** Keeps what a client may not change on update; bumps generation when the spec changed. */
export function carryOverForUpdate(next: KubeObject, cur: KubeObject): void {
  const m = next.metadata;
  const c = cur.metadata;
  m.uid = c.uid;
  m.creationTimestamp = c.creationTimestamp;
  m.name = c.name;
  if (c.namespace !== undefined) m.namespace = c.namespace;
  if (c.deletionTimestamp) {
    m.deletionTimestamp = c.deletionTimestamp;
    m.deletionGracePeriodSeconds = c.deletionGracePeriodSeconds;
  } else {
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
  }
  if (c.generation !== undefined) {
    m.generation = JSON.stringify(next.spec) === JSON.stringify(cur.spec) ? c.generation : c.generation + 1;
  }
  if (m.generateName === undefined && c.generateName !== undefined) m.generateName = c.generateName;
}

/** Same object apart from resourceVersion? Then an update is a no-op, as in Kubernetes. */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return strip(a) === strip(b);
}
