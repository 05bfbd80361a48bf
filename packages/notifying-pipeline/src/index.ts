export * from './environment';
export * from './notifying-pipeline';
export * from './bake-alarms';
