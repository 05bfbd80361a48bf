export * from './types';
export * from './example';
export * from './load';
