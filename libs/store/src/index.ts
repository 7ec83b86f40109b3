export * from './store';
export * from './watch-hub';
export * from './file-store';
export * from './etcd-store';
export * from './open-store';
