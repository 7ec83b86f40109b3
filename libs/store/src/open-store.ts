// The apiserver's --storage flag: `file:<dir>` for the embedded FileStore, or
// `etcd:http://host:port[,http://host2:port...]` for etcd (several apiservers).
import { EtcdStore, type EtcdStoreOptions } from './etcd-store';
import { FileStore, type FileStoreOptions } from './file-store';
import type { Store } from './store';

export interface OpenStoreOptions {
  /** etcd key prefix (default `/registry`) */
  etcdPrefix?: string;
  etcd?: Partial<EtcdStoreOptions>;
  file?: Omit<FileStoreOptions, 'dir'>;
}

export async function openStore(spec: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? '' : spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (kind === 'file') {
    if (rest === '') throw new Error(`storage spec ${JSON.stringify(spec)}: file: needs a directory`);
    return FileStore.open({ ...opts.file, dir: rest });
  }
  if (kind === 'etcd') {
    const endpoints = rest.split(',').map((e) => e.trim()).filter((e) => e !== '');
    for (const e of endpoints) {
      if (!/^https?:\/\/[^/]+\/?$/.test(e)) throw new Error(`storage spec ${JSON.stringify(spec)}: bad etcd endpoint ${JSON.stringify(e)}`);
    }
    if (endpoints.length === 0) throw new Error(`storage spec ${JSON.stringify(spec)}: etcd: needs at least one endpoint`);
    const store = new EtcdStore({ ...opts.etcd, endpoints, prefix: opts.etcdPrefix ?? opts.etcd?.prefix });
    // Fail at startup, not on the first request, when etcd is unreachable.
    try {
      await store.currentRevision();
    } catch (err) {
      await store.close();
      throw new Error(`storage ${spec}: etcd is not reachable: ${(err as Error).message}`);
    }
    return store;
  }
  throw new Error(`storage spec ${JSON.stringify(spec)}: expected file:<dir> or etcd:http://host:port[,...]`);
}
