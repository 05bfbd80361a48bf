/**
 * One CodePipeline job of a Lambda invoke action, run within the function's time and
 * reported to CodePipeline exactly once. "As part of the implementation of the Lambda
 * function, there must be a call to either the PutJobSuccessResult API or PutJobFailureResult
 * API. Otherwise, the execution of this action hangs until the action times out."
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-Lambda.html
 */
import {
  CodePipelineClient, FailureType, PutJobFailureResultCommand, PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';

/** What a check hands back when it succeeds (or wants to be called again). */
export interface JobSuccess {
  /** Shown on the action in the console. */
  readonly summary: string;
  /** The action's output variables, read by later actions and conditions through its namespace. */
  readonly outputVariables?: Record<string, string>;
  /**
   * Asks CodePipeline to invoke the function again with this token, the action staying in
   * progress: "If, during the 20 minutes, the Lambda function has replied that the action is
   * still in progress, CodePipeline restarts the 20-minute timer and tries again"
   * (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html).
   */
  readonly continuationToken?: string;
}

/** The job as the function received it. */
export interface Job {
  readonly id: string;
  readonly userParameters?: string;
  /** The token of the previous invocation of the same action execution, if it asked to continue. */
  readonly continuationToken?: string;
  /** Where the action's input artifacts are, by artifact name (job data `inputArtifacts[].location.s3Location`). */
  readonly inputArtifacts: ReadonlyMap<string, { readonly bucket: string; readonly key: string }>;
}

/** Something the function logs; never throws. */
export type Log = (message: string, fields?: Record<string, unknown>) => void;

export interface JobClock {
  getRemainingTimeInMillis(): number;
}

/** Time kept back from the function's timeout for the report to CodePipeline. */
export const REPORT_RESERVE_MS = 10_000;

/**
 * Reads the job from a CodePipeline event; throws when there is none (then nothing can be
 * reported, and the error in the log is all there is). The event also carries temporary
 * artifact credentials: it is never logged.
 */
export function parseJob(event: unknown): Job {
  const job = (event as any)?.['CodePipeline.job'];
  if (typeof job?.id !== 'string' || job.id.length === 0) {
    throw new Error('not a CodePipeline job event: no CodePipeline.job.id');
  }
  return {
    id: job.id,
    userParameters: job.data?.actionConfiguration?.configuration?.UserParameters,
    continuationToken: typeof job.data?.continuationToken === 'string' ? job.data.continuationToken : undefined,
    // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_JobData.html, API_Artifact.html, API_S3ArtifactLocation.html
    inputArtifacts: new Map((Array.isArray(job.data?.inputArtifacts) ? job.data.inputArtifacts : []).flatMap((a: any) => {
      const location = a?.location?.s3Location;
      return typeof a?.name === 'string' && typeof location?.bucketName === 'string' && typeof location?.objectKey === 'string'
        ? [[a.name, { bucket: location.bucketName, key: location.objectKey }] as const] : [];
    })),
  };
}

/** The job's outcome, as reported. */
export type JobOutcome = { readonly status: 'succeeded' | 'continued'; readonly summary: string } | { readonly status: 'failed'; readonly summary: string };

/**
 * Runs `work` with an abort signal that fires when only the report reserve is left, then
 * reports exactly one result: success (with variables, or a continuation token) or failure
 * with the reason. A report that CodePipeline refuses is thrown: the action then times out,
 * which fails it (the safe side), and the log says why.
 */
export async function runJob(
  job: Job, clock: JobClock, codePipeline: CodePipelineClient, log: Log,
  work: (signal: AbortSignal) => Promise<JobSuccess>,
): Promise<JobOutcome> {
  const budgetMs = Math.max(0, clock.getRemainingTimeInMillis() - REPORT_RESERVE_MS);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`the check did not finish within ${Math.round(budgetMs / 1000)} s`));
    }, budgetMs);
  });
  let outcome: JobOutcome;
  let success: JobSuccess | undefined;
  try {
    success = await Promise.race([work(controller.signal), timeout]);
    outcome = { status: success.continuationToken ? 'continued' : 'succeeded', summary: success.summary };
  } catch (err) {
    outcome = { status: 'failed', summary: describe(err) };
  } finally {
    clearTimeout(timer);
  }
  log(`reporting ${outcome.status}`, { jobId: job.id, summary: outcome.summary });
  if (success && outcome.status !== 'failed') {
    await codePipeline.send(new PutJobSuccessResultCommand({
      jobId: job.id,
      outputVariables: success.outputVariables,
      continuationToken: success.continuationToken,
      // ExecutionDetails.summary: at most 2048 characters.
      // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ExecutionDetails.html
      executionDetails: { summary: cut(success.summary, 2048) },
    }));
  } else {
    await codePipeline.send(new PutJobFailureResultCommand({
      jobId: job.id,
      // FailureDetails.message: at most 5000 characters.
      // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_FailureDetails.html
      failureDetails: { type: FailureType.JobFailed, message: cut(outcome.summary, 5000) },
    }));
  }
  return outcome;
}

/** An error's name and message, whatever was thrown. */
export function describe(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

/** At most `max` characters, ending in '…' when cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
