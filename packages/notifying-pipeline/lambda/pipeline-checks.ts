/**
 * The pipeline checks of the build account, one function for the Lambda invoke actions:
 * `review` (reads a change set in a target account, writes the report, sets the variables
 * of the approval and the stage conditions), `review-wave` (the same for the environments of
 * a wave, with one report and one decision), `verify` (the change set about to be executed
 * is the one reviewed) and `bake` (the environment's alarms stay quiet for a time); and, as a
 * second function with its own role, `create-change-set` (the change set with rollback
 * triggers, as the target's deployment role); and `stop-if-superseded` (after a self-update,
 * the execution that started on the old pipeline stops).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { bake } from './pipeline-checks/bake';
import { createChangeSet } from './pipeline-checks/create-change-set';
import { CheckClients, defaultClients } from './pipeline-checks/clients';
import { JobOutcome, Log, parseJob, runJob } from './pipeline-checks/job';
import { parseParams } from '../src/contract/check-params';
import { review, verify } from './pipeline-checks/review';
import { reviewWave } from './pipeline-checks/review-wave';
import { stopIfSuperseded } from './pipeline-checks/superseded';
import {
  conventionRoleName, DEPLOYMENT_ROLE_BY_REGION_ENV, DEPLOYMENT_ROLE_ENV, READ_ONLY_ROLE_BY_REGION_ENV, READ_ONLY_ROLE_ENV,
} from './shared/read-only-role';


/**
 * Powertools' Logger (the family of the Tracer): one JSON line per call, with `level`,
 * `message`, `timestamp`, `service` and the fields at the top level.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/logger/
 */
const logger = new Logger({ serviceName: 'pipeline-checks' });

const log: Log = (message, fields) => {
  try {
    logger.info(message, fields ?? {});
  } catch {
    // A line that cannot be written is dropped; the report still goes out.
  }
};

export interface ChecksDependencies {
  readonly clients: CheckClients;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly now: () => Date;
  readonly log: Log;
}

/** Runs one job with the given dependencies (the handler's, or a test's). */
export async function runChecks(event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>, deps: ChecksDependencies): Promise<JobOutcome> {
  const job = parseJob(event);
  return runJob(job, context, deps.clients.codePipeline, deps.log, async (signal) => {
    const params = parseParams(job.userParameters);
    switch (params.check) {
      case 'review': return review(params, deps, signal);
      case 'verify': return verify(params, deps, signal);
      case 'bake': return bake(params, job.continuationToken, deps, signal);
      case 'create-change-set': return createChangeSet(params, job, deps, signal);
      case 'review-wave': return reviewWave(params, deps, signal);
      case 'stop-if-superseded': return stopIfSuperseded(params, deps.clients.codePipeline, signal);
    }
  });
}

let clients: CheckClients | undefined;

export async function handler(event: unknown, context: Context): Promise<JobOutcome> {
  clients ??= defaultClients(
    conventionRoleName(process.env[READ_ONLY_ROLE_ENV], process.env[READ_ONLY_ROLE_BY_REGION_ENV], { name: READ_ONLY_ROLE_ENV, byRegion: READ_ONLY_ROLE_BY_REGION_ENV }),
    conventionRoleName(process.env[DEPLOYMENT_ROLE_ENV], process.env[DEPLOYMENT_ROLE_BY_REGION_ENV], { name: DEPLOYMENT_ROLE_ENV, byRegion: DEPLOYMENT_ROLE_BY_REGION_ENV }),
  );
  return runChecks(event, context, { clients, sleep: abortableSleep, now: () => new Date(), log });
}

/** Waits, or stops early (rejecting) when the signal fires. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
