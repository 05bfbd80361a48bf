export * from './naming';
export * from './artifact-store-access';
export * from './deployment-roles';
