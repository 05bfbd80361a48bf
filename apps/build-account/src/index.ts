// The one validated config of a Crosswalk installation, read by this app and by apps/sample-api.
export * from './config';
// The stacks of the build, dev and prod accounts, and what the pipeline delivers.
export * from './stacks';
export * from './pipeline/delivered-service';
// Control Tower proactive controls (cfn-guard) for both apps' compliance task.
export * from './compliance';
