/** The stage of the REST API (the first segment of every URL path). */
export const API_STAGE_NAME = 'api';

/** The paths the post-traffic hook fetches through the API once all traffic has shifted. */
export const SMOKE_CHECK_PATHS: readonly string[] = ['/version', '/locations'];
