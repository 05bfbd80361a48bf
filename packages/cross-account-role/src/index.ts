export * from './naming';
export * from './artifact-store-access';
export * from './deployment-roles';
export * from './convention-roles-check';
