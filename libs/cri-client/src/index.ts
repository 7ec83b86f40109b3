export * from './types';
export * from './time';
export * from './errors';
export * from './endpoint';
export * from './load';
export * from './client';
