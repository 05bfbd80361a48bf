/**
 * The pipeline checks of the build account, one function for three Lambda invoke actions:
 * `review` (reads a change set in a target account, writes the report, sets the variables
 * of the approval and the stage conditions), `verify` (the change set about to be executed
 * is the one reviewed) and `bake` (the environment's alarms stay quiet for a time).
 */
import type { Context } from 'aws-lambda';
import { bake } from './pipeline-checks/bake';
import { CheckClients, defaultClients } from './pipeline-checks/clients';
import { JobOutcome, Log, parseJob, runJob } from './pipeline-checks/job';
import { parseParams } from '../src/private/check-params';
import { review, verify } from './pipeline-checks/review';
import { READ_ONLY_ROLE_ENV } from './shared/read-only-role';


const log: Log = (message, fields) => {
  try {
    console.log(JSON.stringify({ message, ...fields }));
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
    }
  });
}

let clients: CheckClients | undefined;

export async function handler(event: unknown, context: Context): Promise<JobOutcome> {
  const roleName = process.env[READ_ONLY_ROLE_ENV];
  clients ??= defaultClients(roleName ?? '');
  return runChecks(event, context, {
    clients: roleName ? clients : { ...clients, assumeReadOnlyRole: () => Promise.reject(new Error(`${READ_ONLY_ROLE_ENV} is not set: the function is misconfigured`)) },
    sleep: abortableSleep,
    now: () => new Date(),
    log,
  });
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
