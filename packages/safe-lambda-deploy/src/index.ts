export * from './traffic-shift';
export * from './hook-options';
export * from './safe-lambda-deploy';
