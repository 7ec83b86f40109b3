export * from './toml';
export * from './config';
export * from './registry-hosts';
export * from './process';
export * from './images';
export * from './cleanup';
export * from './testing/busybox-image';
