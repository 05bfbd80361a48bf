// The review (no AWS CDK import: functions and commands load it from `lib/review`).
export * from './review';
// Adapters for other pipelines.
export * from './adapters/cdk-pipelines';
