export * from './names';
export * from './run';
export * from './netns';
export * from './links';
export * from './sysctl';
export * from './own-netns';
export * from './conntrack';
