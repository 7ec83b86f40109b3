export * from './constants';
export * from './errors';
export * from './types';
export * from './name';
export * from './decode';
export * from './encode';
export * from './build';
export * from './fuzz';
