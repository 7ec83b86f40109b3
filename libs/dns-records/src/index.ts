export * from './view';
export * from './names';
export * from './answer';
export * from './cluster-index';
