export * from './artifact-store-stack';
export * from './deployment-roles-stack';
export * from './build-account-roles-stack';
export * from './pipeline-stack';
export * from './app';
export { namingOf } from './naming';
