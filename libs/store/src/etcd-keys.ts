// How Store keys map onto etcd keys and values. The store key is appended to a root
// prefix (`/registry` by default, like Kubernetes), so several clusters or test runs can
// share one etcd. resourceVersion is never stored: it is the key's mod_revision, set
// when reading, so a value can't disagree with the revision etcd reports for it.
import type { KubeObject } from '@svcnet/api-types';
import type { IKeyValue } from 'etcd3';
import { withRevision } from './store';

export class EtcdKeys {
  readonly root: string;

  constructor(root: string) {
    this.root = root.replace(/\/+$/, '');
  }

  /** Store keys start with '/', so root + key never reaches a sibling root ('/registry2'). */
  key(storeKey: string): Buffer {
    if (!storeKey.startsWith('/')) throw new Error(`store key ${JSON.stringify(storeKey)} must start with '/'`);
    return Buffer.from(this.root + storeKey, 'utf8');
  }

  /** the store key of an etcd key under the root */
  storeKey(etcdKey: Buffer): string {
    return etcdKey.toString('utf8').slice(this.root.length);
  }

  /** [key, rangeEnd) covering every etcd key that starts with root + prefix */
  range(prefix: string): { key: Buffer; range_end: Buffer } {
    const key = this.key(prefix === '' ? '/' : prefix);
    return { key, range_end: prefixEnd(key) };
  }
}

/** the first key after every key with this prefix (etcd's "prefix" range end) */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // all 0xff (or empty): to the end of the keyspace
}

export function encodeObject(obj: KubeObject): Buffer {
  const { resourceVersion: _drop, ...metadata } = obj.metadata;
  return Buffer.from(JSON.stringify({ ...obj, metadata }), 'utf8');
}

/** the object in kv, with resourceVersion = rev (default: the kv's mod_revision) */
export function decodeObject(kv: IKeyValue, rev: number = Number(kv.mod_revision)): KubeObject {
  return withRevision(JSON.parse(kv.value.toString('utf8')) as KubeObject, rev);
}
