// The pure reconcile logic, exported for tests and tools; the process entry is main.ts.
export * from './names';
export * from './rolling-params';
export * from './replica-set-plan';
export * from './deployment-plan';
export * from './schedule';
export * from './pod-state';
