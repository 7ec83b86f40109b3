export * from './app-process';
export * from './test-apiserver';
export * from './wait-for';
export * from './kubectl-port-forward';
