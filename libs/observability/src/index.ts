export * from './logger';
export * from './metrics';
export * from './health-server';
export * from './flags';
export * from './app-lifecycle';
