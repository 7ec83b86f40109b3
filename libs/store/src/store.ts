// The storage interface the apiserver writes through. Two backends implement it:
// FileStore (embedded, the default) and EtcdStore. Both give every write a global,
// increasing revision, which becomes the object's metadata.resourceVersion.
import type { KubeObject } from '@svcnet/api-types';

export type StoreEventType = 'put' | 'delete';

export interface StoreEvent {
  type: StoreEventType;
  key: string;
  /** the object after the change; for deletes, the last stored object */
  object: KubeObject;
  /** the object before the change (undefined for a create) */
  prevObject?: KubeObject;
  revision: number;
}

export interface StoreWatch {
  stop(): void;
}

export interface StoreWatchHandlers {
  onEvent(ev: StoreEvent): void;
  /** called once when the watch can't continue, e.g. with a Gone ApiError */
  onError(err: Error): void;
}

export interface ListResult {
  items: KubeObject[];
  revision: number;
}

export interface Store {
  get(key: string): Promise<KubeObject | undefined>;
  /** all objects whose key starts with prefix, in key order */
  list(prefix: string): Promise<ListResult>;
  /** fails with AlreadyExists (StoreKeyExists) if the key is taken */
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  /**
   * Replaces the object if its current revision equals expectedRevision
   * (or unconditionally when undefined). Fails with StoreConflict / StoreNotFound.
   */
  update(key: string, obj: KubeObject, expectedRevision?: number): Promise<KubeObject>;
  delete(key: string, expectedRevision?: number): Promise<KubeObject>;
  /** events with revision > fromRevision for keys under prefix; Gone when fromRevision is compacted away */
  watch(prefix: string, fromRevision: number, handlers: StoreWatchHandlers): StoreWatch;
  currentRevision(): Promise<number>;
  close(): Promise<void>;
}

/** Store-level failures; the apiserver maps them to NotFound/AlreadyExists/Conflict with the resource's name. */
export class StoreError extends Error {
  constructor(
    readonly kind: 'NotFound' | 'KeyExists' | 'Conflict' | 'Gone',
    message: string,
    readonly oldestRevision?: number,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export function isStoreError(e: unknown, kind?: StoreError['kind']): e is StoreError {
  return e instanceof StoreError && (kind === undefined || e.kind === kind);
}

export function revisionOf(obj: KubeObject): number {
  const rv = obj.metadata.resourceVersion;
  return rv ? Number(rv) : 0;
}

export function withRevision(obj: KubeObject, rev: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
}
