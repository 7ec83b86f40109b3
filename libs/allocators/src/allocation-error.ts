// Allocator failures, worded as Kubernetes' ipallocator/portallocator errors so the
// apiserver can embed err.message in a field error unchanged.

export type AllocationFailure = 'NotInRange' | 'AlreadyAllocated' | 'Full' | 'Invalid';

export class AllocationError extends Error {
  constructor(
    readonly failure: AllocationFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AllocationError';
  }
}

export const rangeFull = (): AllocationError => new AllocationError('Full', 'range is full');
