export * from './cache';
export * from './forwarder';
export * from './handler';
export * from './metrics';
export * from './server';
export * from './informers';
export * from './app';
