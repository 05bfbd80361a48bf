export * from './assembly';
export * from './publish';
export * from './doctor';
export * from './live';
export { cleanAssets, planAssetCleanup, templateReferences, mayHold, DEFAULT_MIN_AGE_DAYS, DELETE_BATCH_SIZE } from './clean';
export type { AssetCleanupPlan, AssetReference, BucketObject, CleanAssetsDeps, Versioning } from './clean';
export { main, USAGE, UsageError } from './main';
export { review, REVIEW_USAGE, EXIT_CODES, EXIT_NOT_REVIEWED } from './review';
