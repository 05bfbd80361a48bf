import { requireEnv } from '../lib/env';
import { apiHandler } from '../lib/handler';
import { json } from '../lib/http';

// Baked in at build time by the stack; checked once per container.
const VERSION = requireEnv('APP_VERSION', 'the version of the service, e.g. 1.4.0');
const COMMIT = requireEnv('APP_COMMIT', 'the short commit the version was built from');
const ENVIRONMENT = requireEnv('APP_ENVIRONMENT', 'the environment the function runs in, e.g. dev or prod');

/**
 * `GET /version` → `{ version, commit, environment }`. It touches no table and is
 * never affected by `SIMULATE_FAILURE`, so a pre-traffic hook can always check that
 * the new version starts and answers.
 */
export const handler = apiHandler('version', {
  'GET /version': async () => json(200, { version: VERSION, commit: COMMIT, environment: ENVIRONMENT }),
});
