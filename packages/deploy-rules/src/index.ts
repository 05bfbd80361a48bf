export * from './rules';
export * from './deploy-rules';
