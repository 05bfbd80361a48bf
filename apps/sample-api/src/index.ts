// The shared config (also read by apps/build-account) and the service's stack.
export * from './config';
export * from './stacks';
