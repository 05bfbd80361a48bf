export * from './environment';
export * from './notifying-pipeline';
