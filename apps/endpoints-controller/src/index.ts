// The pure reconcile logic, exported for tests and tools; the process entry is main.ts.
export * from './endpoints-build';
export * from './slice-build';
export * from './slice-mirror';
export * from './slice-reconcile';
export * from './slice-owner';
export * from './names';
