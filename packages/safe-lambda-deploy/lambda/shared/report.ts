import {
  CodeDeployClient,
  LifecycleEventStatus,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { describeError } from './describe';
import { CodeDeployHookEvent } from './hook-event';
import { Log, neverThrows } from './log';

/** Lambda's view of the time left: `context.getRemainingTimeInMillis()`. */
export interface Clock {
  getRemainingTimeInMillis(): number;
}

/** The report could not be delivered; thrown so that the invocation shows as failed. */
export class ReportFailed extends Error {
  public readonly name = 'ReportFailed';
}

/** Retry and time settings of {@link reportStatus}. */
export interface ReportTiming {
  /** Time left unused at the end of the invocation, in milliseconds. */
  readonly finalMarginMs: number;
  /** Upper bound of one attempt, in milliseconds. */
  readonly attemptTimeoutMs: number;
  /** Wait before the first retry, doubled after each. */
  readonly firstBackoffMs: number;
  /** Longest wait between two attempts. */
  readonly maxBackoffMs: number;
  /** Most attempts in all. */
  readonly maxAttempts: number;
}

export const DEFAULT_REPORT_TIMING: ReportTiming = {
  finalMarginMs: 500,
  attemptTimeoutMs: 5_000,
  firstBackoffMs: 200,
  maxBackoffMs: 2_000,
  maxAttempts: 8,
};

/** The shortest attempt worth starting. */
const MIN_ATTEMPT_MS = 250;

/**
 * Sends the one PutLifecycleEventHookExecutionStatus of this hook execution.
 *
 * Transient errors (throttling, 5xx, network, an attempt that timed out) are retried with
 * exponential backoff while time is left. If CodeDeploy says the lifecycle event is already
 * completed, an earlier attempt got through (its answer was lost): nothing more is sent.
 * Any other error, or running out of time, throws {@link ReportFailed}. Logging never
 * changes the outcome: a log line that throws is dropped.
 */
export async function reportStatus(
  codeDeploy: CodeDeployClient,
  ids: CodeDeployHookEvent,
  status: LifecycleEventStatus,
  clock: Clock,
  sleep: (ms: number) => Promise<void>,
  anyLog: Log,
  timing: ReportTiming = DEFAULT_REPORT_TIMING,
): Promise<void> {
  const log = neverThrows(anyLog);
  const command = new PutLifecycleEventHookExecutionStatusCommand({
    deploymentId: ids.DeploymentId,
    lifecycleEventHookExecutionId: ids.LifecycleEventHookExecutionId,
    status,
  });
  let backoff = timing.firstBackoffMs;
  for (let attempt = 1; ; attempt++) {
    const left = clock.getRemainingTimeInMillis() - timing.finalMarginMs;
    if (left < MIN_ATTEMPT_MS) {
      throw new ReportFailed(`could not report ${status} for ${ids.DeploymentId}: out of time before attempt ${attempt}`);
    }
    try {
      await codeDeploy.send(command, { abortSignal: AbortSignal.timeout(Math.min(timing.attemptTimeoutMs, left)) });
      log('INFO', 'reported to CodeDeploy', { status, deploymentId: ids.DeploymentId, attempt });
      return;
    } catch (err) {
      if (errorName(err) === 'LifecycleEventAlreadyCompletedException') {
        log('WARN', 'CodeDeploy already has the status of this hook execution; an earlier attempt got through', {
          status, deploymentId: ids.DeploymentId, attempt,
        });
        return;
      }
      if (!isTransient(err)) {
        throw new ReportFailed(`could not report ${status} for ${ids.DeploymentId}: ${describeError(err)}`);
      }
      if (attempt >= timing.maxAttempts) {
        throw new ReportFailed(`could not report ${status} for ${ids.DeploymentId} in ${attempt} attempts, last error: ${describeError(err)}`);
      }
      const wait = Math.min(backoff, timing.maxBackoffMs);
      if (clock.getRemainingTimeInMillis() - timing.finalMarginMs - wait < MIN_ATTEMPT_MS) {
        throw new ReportFailed(`could not report ${status} for ${ids.DeploymentId} before the hook's timeout, `
          + `${attempt} attempts, last error: ${describeError(err)}`);
      }
      log('WARN', 'transient error reporting to CodeDeploy, retrying', { attempt, waitMs: wait, error: describeError(err) });
      await sleep(wait);
      backoff *= 2;
    }
  }
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled',
  'RequestThrottledException', 'SlowDown', 'ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure',
  'InternalServerError', 'InternalServerException', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError', 'AbortError',
]);

/**
 * Network error codes of Node.js (and of undici) worth another attempt. The hook turns the
 * SDK's own retries off, so an error left out here means CodeDeploy hears nothing until its
 * hook timeout: connection failures (reset, refused, aborted, broken pipe, timed out), name
 * resolution failures (ENOTFOUND, EAI_AGAIN: the resolver of the Lambda environment can
 * fail for a moment) and routing failures (EHOSTUNREACH, ENETUNREACH, ENETDOWN, EHOSTDOWN).
 * https://nodejs.org/api/errors.html#common-system-errors
 */
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT',
  'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** How deep {@link isTransient} follows `cause` and `errors`. */
const MAX_ERROR_DEPTH = 10;

/**
 * Whether an AWS SDK error is worth retrying: throttling, a 5xx, a network error, a timeout,
 * a 2xx answer that could not be read, or a clock skew the SDK has just corrected (the next
 * attempt is signed with the corrected clock). Follows `cause` and the `errors` of an
 * AggregateError (Node.js tries every address of a host and reports all failures together),
 * and never throws, whatever was thrown.
 */
export function isTransient(err: unknown, depth = 0, seen = new Set<unknown>()): boolean {
  if (typeof err !== 'object' || err === null || depth > MAX_ERROR_DEPTH || seen.has(err)) return false;
  seen.add(err);
  try {
    const e = err as {
      name?: unknown; code?: unknown; cause?: unknown; errors?: unknown; $retryable?: unknown; $fault?: unknown;
      $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
    };
    if (TRANSIENT_NAMES.has(errorName(err))) return true;
    const statusCode = e.$metadata?.httpStatusCode;
    if (statusCode !== undefined && (statusCode >= 500 || statusCode === 429)) return true;
    // A 2xx whose body could not be read (cut off, not JSON): the status probably arrived.
    // Another attempt is harmless: CodeDeploy then answers that the event is already completed.
    if (statusCode !== undefined && statusCode >= 200 && statusCode <= 299) return true;
    if (e.$metadata?.clockSkewCorrected === true) return true;
    if (e.$retryable || e.$fault === 'server') return true;
    if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
    if (Array.isArray(e.errors) && e.errors.some((inner) => isTransient(inner, depth + 1, seen))) return true;
    return isTransient(e.cause, depth + 1, seen);
  } catch {
    return false;
  }
}

function errorName(err: unknown): string {
  try {
    const name = (err as { name?: unknown })?.name;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}
