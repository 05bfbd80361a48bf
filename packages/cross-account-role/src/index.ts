export * from './naming';
export * from './artifact-store-access';
export * from './deployment-roles';
export * from './build-account-roles';
export * from './convention-roles-check';
export * from './target-account-synthesizer';
export * from './service-stack-synthesizer';
export * from './call-sites';
