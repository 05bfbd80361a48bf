import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The one Tracer of a function bundle. Outside Lambda (tests, local mode) it is
 * disabled by Powertools itself, and `POWERTOOLS_TRACE_ENABLED=false` disables it
 * explicitly; it never reaches the network there.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sample-api' });
