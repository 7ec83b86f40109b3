// What the controller holds of the data path, wherever it runs.
import type { DataplaneSnapshot } from './dataplane';
import type { LbSpec } from './lb-spec';

export interface DataplaneHandle {
  /** resolves once addresses and listeners match `specs` */
  apply(specs: LbSpec[]): Promise<void>;
  snapshot(): DataplaneSnapshot;
  close(): Promise<void>;
}

/** the worker protocol: JSON lines on its stdin (to it) and stdout (from it) */
export type ToWorker = { type: 'apply'; gen: number; specs: LbSpec[] };
export type FromWorker = { type: 'ready' } | { type: 'applied'; gen: number; error?: string } | { type: 'snapshot'; snapshot: DataplaneSnapshot };
