export * from './sample-api-stack';
export * from './simulate-failure';
export type { BuildInfo } from './build-info';
export * from './constants';
