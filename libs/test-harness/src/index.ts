export * from './app-process';
export * from './test-apiserver';
export * from './wait-for';
