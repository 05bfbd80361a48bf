export * from './types';
export * from './example';
export * from './load';
export * from './entry-point';
export * from './delivery';
