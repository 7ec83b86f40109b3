export * from './load';
export * from './object-codec';
export * from './status-codec';
