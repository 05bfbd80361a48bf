export * from './artifact-store-stack';
export * from './deployment-roles-stack';
export * from './pipeline-stack';
export * from './target-account-synthesizer';
export * from './app';
export { namingOf } from './naming';
