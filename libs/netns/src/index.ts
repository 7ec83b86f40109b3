export * from './names';
export * from './run';
export * from './netns';
export * from './links';
export * from './sysctl';
export * from './echo-server';
export * from './test-topology';
