// The interface the data path programs against: the real executor and the fake both
// implement it, so callers (and their tests) do not care which one they have.
import type { Family, TableState } from './model';
import type { Transaction } from './transaction';

export interface Nftables {
  // Apply the whole transaction atomically, or nothing (throws NftError).
  apply(tx: Transaction): Promise<void>;
  // Read one table; undefined when it does not exist.
  read(family: Family, table: string): Promise<TableState | undefined>;
}

export class NftError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly script: string,
  ) {
    super(message);
    this.name = 'NftError';
  }
}
