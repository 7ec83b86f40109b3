// A Store watch on top of an etcd3 Watcher: events with revision > fromRevision under a
// prefix, in order, with the previous object; a compacted start revision becomes Gone.
import type { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import type { KubeObject } from '@svcnet/api-types';
import { StoreError, type StoreEvent, type StoreWatch, type StoreWatchHandlers } from './store';
import { decodeObject, type EtcdKeys } from './etcd-keys';

export function etcdWatch(client: Etcd3, keys: EtcdKeys, prefix: string, fromRevision: number, handlers: StoreWatchHandlers, onStop: () => void): StoreWatch {
  const { key, range_end } = keys.range(prefix);
  /** the last revision handed to onEvent: the resume point after a reconnect */
  let last = fromRevision;
  let stopped = false;
  const watcher: Watcher = client.watch().inRange({ start: key, end: range_end }).withPreviousKV().startRevision(String(fromRevision + 1)).watcher();

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    onStop();
    watcher.cancel().catch(() => undefined); // the client may already be closed
  };
  const fail = (err: Error): void => {
    if (stopped) return;
    stop();
    handlers.onError(err);
  };

  // etcd3 moves start_revision to the create response's header revision + 1 when a
  // watch connects, before the replayed history has arrived; a reconnect then would skip
  // events. The request is (re)sent right after 'connecting', so pin it to our position.
  watcher.on('connecting', () => {
    watcher.request.start_revision = String(last + 1);
  });
  watcher.on('data', (res: IWatchResponse) => {
    for (const ev of res.events) {
      if (stopped) return;
      const rev = Number(ev.kv.mod_revision);
      if (rev <= last) continue; // already delivered before a reconnect
      const event = toStoreEvent(keys, String(ev.type).toLowerCase() === 'delete' ? 'delete' : 'put', ev.kv, ev.prev_kv, rev);
      try {
        handlers.onEvent(event);
      } catch (err) {
        fail(err as Error);
        return;
      }
      last = rev;
    }
  });
  watcher.on('error', (err: Error) => {
    // etcd 3.4 cancels a watch on compacted history with compact_revision set but an empty
    // reason, and etcd3 passes on only the reason; a read at the resume revision tells.
    const resume = last + 1;
    client.kv.range({ key, revision: resume, count_only: true }).then(
      () => fail(err),
      (probe: Error) =>
        fail(/compacted/i.test(probe.message) || /compacted/i.test(err.message) ? new StoreError('Gone', `too old resource version: ${resume - 1} (etcd history is compacted)`) : err),
    );
  });
  return { stop };
}

function toStoreEvent(keys: EtcdKeys, type: 'put' | 'delete', kv: IKeyValue, prev: IKeyValue | undefined, rev: number): StoreEvent {
  const prevObject = prev && prev.value.length > 0 ? decodeObject(prev) : undefined;
  let object: KubeObject;
  if (type === 'put') object = decodeObject(kv);
  // A delete carries no value: report the last stored object at the delete's revision.
  else if (prev && prev.value.length > 0) object = decodeObject(prev, rev);
  else object = { metadata: { name: keys.storeKey(kv.key).split('/').pop() ?? '', resourceVersion: String(rev) } };
  return { type, key: keys.storeKey(kv.key), object, prevObject, revision: rev };
}
