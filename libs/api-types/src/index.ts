export * from './meta';
export * from './core';
export * from './apps';
export * from './discovery';
export * from './resources';
export * from './watch';
export * from './api-error';
export * from './time';
