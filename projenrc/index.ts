export * from './monorepo';
export * from './construct-package';
export * from './app-package';
export * from './tool-package';
export * from './nx-config';
export * from './workflows';
export * from './versions';
