export * from './family';
export * from './ipv4';
export * from './ipv6';
export * from './cidr';
export * from './compare';
export * from './special';
