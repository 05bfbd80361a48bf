/**
 * The environment variable through which both build-account functions (the pipeline checks
 * and the failure notifier) learn the name of the target accounts' read-only convention role.
 * Shared by the constructs, which set it, and the functions, which read it.
 */
export const READ_ONLY_ROLE_ENV = 'READ_ONLY_ROLE_NAME';

/**
 * The environment variable through which the change set function (and only it) learns the
 * name of the target accounts' deployment convention role, which it assumes to create change
 * sets with rollback triggers.
 */
export const DEPLOYMENT_ROLE_ENV = 'DEPLOYMENT_ROLE_NAME';

/**
 * With environments in several regions: the convention role of each region (IAM names are
 * global, so each region's roles carry the region in their name), as a JSON object
 * `{ "<region>": "<role name>" }`. A function given it acts in no region missing from it.
 */
export const READ_ONLY_ROLE_BY_REGION_ENV = 'READ_ONLY_ROLE_NAME_BY_REGION';
/** The deployment role of each region, as {@link READ_ONLY_ROLE_BY_REGION_ENV} for the read-only role. */
export const DEPLOYMENT_ROLE_BY_REGION_ENV = 'DEPLOYMENT_ROLE_NAME_BY_REGION';
