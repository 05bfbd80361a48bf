export * from './assembly';
export * from './publish-assets';
export * from './doctor';
export * from './nx-cache';
export { cleanAssets, planAssetCleanup, referencedAssetKeys, referencedAssetKeysInBody, DEFAULT_MIN_AGE_DAYS, DELETE_BATCH_SIZE } from './clean-assets';
export type { AssetCleanupPlan, BucketObject, CleanAssetsDeps } from './clean-assets';
export { main, USAGE, UsageError } from './main';
