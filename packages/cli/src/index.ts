export * from './assembly';
export * from './publish-assets';
export * from './doctor';
export { main, USAGE, UsageError } from './main';
