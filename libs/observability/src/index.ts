export * from './logger';
export * from './metrics';
export * from './process-metrics';
export * from './health-server';
export * from './flags';
export * from './app-lifecycle';
