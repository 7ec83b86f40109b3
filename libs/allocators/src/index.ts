export * from './allocation-error';
export type { RandomSource } from './random-source';
export * from './ip-range-allocator';
export * from './port-range-allocator';
export * from './pod-cidr-allocator';
