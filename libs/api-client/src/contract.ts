// What apps see of the apiserver: one typed client per resource, and informers.
// The gRPC implementation lives in grpc-client.ts; tests may use any implementation.
import type { KubeObject, ObjectList, WatchEvent } from '@svcnet/api-types';

export interface ListOptions {
  namespace?: string;
  /** "app=nginx,tier in (web,api),!canary" */
  labelSelector?: string;
  /** "metadata.name=foo,spec.nodeName=node-1" */
  fieldSelector?: string;
}

export interface WatchOptions extends ListOptions {
  /** watch events after this revision; "" or "0" means from now */
  resourceVersion?: string;
  /** ask for periodic BOOKMARK events carrying the current revision */
  allowBookmarks?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  /** only delete if the stored object still has this uid / resourceVersion */
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface Watch {
  stop(): void;
}

export interface WatchHandlers<T extends KubeObject> {
  onEvent(ev: WatchEvent<T>): void;
  /** the stream ended; err is an ApiError (reason "Gone" means relist) or a transport error */
  onClose(err?: Error): void;
}

export interface ResourceClient<T extends KubeObject> {
  readonly resource: string;
  list(opts?: ListOptions): Promise<ObjectList<T>>;
  get(namespace: string | undefined, name: string): Promise<T>;
  create(obj: T): Promise<T>;
  /** full replace; fails with Conflict when metadata.resourceVersion is stale */
  update(obj: T): Promise<T>;
  /** the status subresource: only .status is taken from obj */
  updateStatus(obj: T): Promise<T>;
  patch(namespace: string | undefined, name: string, patch: unknown, type?: PatchType, subresource?: 'status'): Promise<T>;
  /** returns the object as it is after the call (pods may linger with deletionTimestamp) */
  delete(namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T>;
  watch(opts: WatchOptions, handlers: WatchHandlers<T>): Watch;
}

export interface InformerHandlers<T extends KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

/**
 * List, then watch from the list's resourceVersion, keeping a local cache.
 * Relists on 410 Gone, reconnects with backoff; handlers see a consistent stream
 * (a relist delivers the differences as add/update/delete).
 */
export interface Informer<T extends KubeObject> {
  readonly resource: string;
  /** resolves once the first list is in the cache */
  start(): Promise<void>;
  stop(): void;
  hasSynced(): boolean;
  /** cached objects, optionally of one namespace */
  list(namespace?: string): T[];
  get(namespace: string | undefined, name: string): T | undefined;
  addIndexer(name: string, keys: (obj: T) => string[]): void;
  byIndex(name: string, key: string): T[];
  on(handlers: InformerHandlers<T>): void;
  /** the latest resourceVersion seen */
  lastResourceVersion(): string;
}
