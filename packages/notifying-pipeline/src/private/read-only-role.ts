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
