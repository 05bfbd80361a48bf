/**
 * What the failure notifier reads from its environment, and its time and size limits.
 *
 * The construct sets TOPIC_ARN, READ_ONLY_ROLE_NAME and PARTITION; Lambda sets AWS_REGION.
 * Endpoints are never configured here: for tests, the AWS SDK itself reads AWS_ENDPOINT_URL
 * and AWS_ENDPOINT_URL_<SERVICE> (e.g. AWS_ENDPOINT_URL_CLOUDFORMATION), see
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html. Production never
 * sets them, so the clients use the regional AWS endpoints.
 */

/** The environment variable holding the ARN of the (encrypted) notification topic. */
export const TOPIC_ARN_ENV = 'TOPIC_ARN';
/** The environment variable holding the name of the read-only convention role of every target account. */
import {
  ConventionRoleName, conventionRoleName, READ_ONLY_ROLE_BY_REGION_ENV, READ_ONLY_ROLE_ENV as READ_ONLY_ROLE_NAME_ENV,
} from '../shared/read-only-role';

export { READ_ONLY_ROLE_NAME_ENV };
/** The environment variable holding the partition of the accounts (`aws` unless set). */
export const PARTITION_ENV = 'PARTITION';

/** The environment of one container, checked once. */
export interface NotifierSetup {
  /** Where the one message goes; without it nothing can be sent. */
  readonly topicArn?: string;
  /**
   * The read-only role assumed in a target account (one name, or one per region); without it
   * target accounts are not read.
   */
  readonly readOnlyRoleName?: ConventionRoleName;
  /** `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  /** The function's region (the pipeline's), for when an event does not name its region. */
  readonly region?: string;
  /** What is missing or wrong, said in the message rather than thrown at load time. */
  readonly problems: readonly string[];
}

/** Time limits of one invocation, in milliseconds. */
export interface NotifierTiming {
  /** The longest enrichment (reading the details) may take. */
  readonly enrichmentLimitMs: number;
  /** Time kept back from Lambda's remaining time for formatting and the one Publish. */
  readonly publishReserveMs: number;
}

/**
 * Enrichment stops at the smaller of 20 s and the remaining time minus 5 s: a person gets
 * the basic message in time even if an AWS API hangs, and Publish keeps enough time for
 * one attempt (the SNS client does not retry, see clients.ts).
 */
export const DEFAULT_TIMING: NotifierTiming = {
  enrichmentLimitMs: 20_000,
  publishReserveMs: 5_000,
};

/**
 * SNS accepts up to 256 KB per message
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, parameter Message); the
 * notifier stays at a quarter of it, which is also more than anyone reads in an email.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** The session name of the read-only role: CloudTrail in the target account shows who read. */
export const ROLE_SESSION_NAME = 'failure-notifier';

/** Reads the environment; never throws (a problem is kept and reported in the message). */
export function loadSetup(env: Record<string, string | undefined>): NotifierSetup {
  const problems: string[] = [];
  const topicArn = nonEmpty(env[TOPIC_ARN_ENV]);
  if (!topicArn) problems.push(`${TOPIC_ARN_ENV} is not set`);
  // One name, or one per region; a malformed value reads no target account.
  let readOnlyRoleName: ConventionRoleName | undefined;
  try {
    readOnlyRoleName = conventionRoleName(env[READ_ONLY_ROLE_NAME_ENV], env[READ_ONLY_ROLE_BY_REGION_ENV], { name: READ_ONLY_ROLE_NAME_ENV, byRegion: READ_ONLY_ROLE_BY_REGION_ENV });
    if (readOnlyRoleName === undefined) problems.push(`${READ_ONLY_ROLE_NAME_ENV} is not set, so target accounts cannot be read`);
  } catch (err) {
    problems.push(`${(err as Error).message}, so target accounts cannot be read`);
  }
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  return {
    topicArn,
    readOnlyRoleName,
    partition: nonEmpty(env[PARTITION_ENV]) ?? 'aws',
    region,
    problems,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
