export * from './contract';
export * from './grpc-client';
export * from './informer';
export * from './client-flags';
export * from './work-queue';
export * from './event-recorder';
