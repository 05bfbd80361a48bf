/**
 * The change review (before an approval) and the verification of the reviewed change set
 * (right before its execution). Both read the target account through its read-only role.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CloudFormationClient, DescribeChangeSetCommand, DescribeChangeSetCommandOutput, DescribeEventsCommand, GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { AutoApprove, ChangeReview, ReviewContext, ReviewDecision } from '@crosswalk/change-review/lib/review';
import { CloudFormationReads, readChangeSet } from '@crosswalk/change-review/lib/read/read-change-set';
import { changeSetUrl, consoleUrl } from '../../src/contract/console';
import { CheckClients, cloudFormationIn } from './clients';
import { JobSuccess } from './job';
import { ReviewParams, VerifyParams } from '../../src/contract/check-params';

/** The approval's CustomData is an action configuration value: at most 1000 characters
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html);
 * the summary keeps well under it, since the substituted text is what counts. */
export const SUMMARY_MAX = 500;

export interface ReviewDependencies {
  readonly clients: CheckClients;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The review's timestamp in the report (ISO); the clock of the function. */
  readonly now: () => Date;
}

/** Reviews the change set, writes its report, and returns the variables of the approval and the conditions. */
export async function review(params: ReviewParams, deps: ReviewDependencies, signal: AbortSignal): Promise<JobSuccess> {
  const { result, decision, context, reportKey } = await reviewEnvironment(params, deps, signal);
  // The bucket is the pipeline's, in its region (which a target of another region is not in).
  const reportUrl = s3ObjectUrl(params.partition, params.reportRegion ?? params.region, params.reportBucket, reportKey);
  const summary = result.summary(context, SUMMARY_MAX);

  return {
    summary: `${summary} Report: ${reportUrl}`,
    outputVariables: {
      RiskTier: result.tier,
      ApprovalRequired: String(decision.approvalRequired),
      Execute: String(decision.execute),
      Decision: decision.reason,
      Summary: summary,
      ChangeSetId: result.changeSetId,
      ChangeSetName: params.changeSetName,
      Changes: String(result.counts.total),
      NeedsAttention: String(result.findings.length),
      ReportUrl: reportUrl,
    },
  };
}

/** One environment's change set, reviewed under its policy, with its reports written. */
export interface ReviewedEnvironment {
  readonly result: ChangeReview;
  readonly decision: ReviewDecision;
  readonly context: ReviewContext;
  /** The key of its HTML report; the Markdown one is beside it, ending in `.md`. */
  readonly reportKey: string;
}

/**
 * What a review does for one environment, alone or in a wave: reads the change set through the
 * target's read-only role in the target's region, reviews it, decides under the environment's
 * policy, and writes its reports to `<reportPrefix><executionId>/<environment>.{html,md}`.
 */
export async function reviewEnvironment(params: Omit<ReviewParams, 'check'>, deps: ReviewDependencies, signal: AbortSignal): Promise<ReviewedEnvironment> {
  const credentials = await deps.clients.assumeReadOnlyRole(params, `change-review-${params.environment}`, signal);
  const cfn = cloudFormationIn(params, credentials);
  const input = await readChangeSet(reads(cfn, deps, signal), { StackName: params.stackName, ChangeSetName: params.changeSetName });

  // Throws (the stage fails, reported once by the job runner) when the change set cannot be
  // trusted: status and changes disagree, malformed, too large to review.
  const result = ChangeReview.review(input);
  const policy = params.autoApprove as AutoApprove;
  const decision = result.decide(policy);
  const context = {
    reviewedAt: deps.now().toISOString(),
    autoApprove: policy,
    pipelineName: params.pipelineName,
    executionId: params.executionId,
    environment: params.environment,
    account: params.account,
    region: params.region,
    changeSetUrl: changeSetUrl(params.partition, params.region, params.stackName, result.changeSetId),
  };

  const key = `${params.reportPrefix}${params.executionId}/${params.environment}`;
  await putReports(deps, signal, params.reportBucket, key, { html: result.html(context), markdown: result.markdown(context) });
  return { result, decision, context, reportKey: `${key}.html` };
}

/** Writes a report as `<key>.html` and `<key>.md`. */
export async function putReports(
  deps: ReviewDependencies, signal: AbortSignal, bucket: string, key: string, bodies: { readonly html: string; readonly markdown: string },
): Promise<void> {
  const reports = [
    { key: `${key}.html`, body: bodies.html, type: 'text/html; charset=utf-8' },
    { key: `${key}.md`, body: bodies.markdown, type: 'text/markdown; charset=utf-8' },
  ];
  for (const report of reports) {
    // The bucket's default encryption (the artifact key) applies to every object written.
    await deps.clients.s3.send(new PutObjectCommand({
      Bucket: bucket, Key: report.key, Body: report.body, ContentType: report.type,
    }), { abortSignal: signal });
  }
}

/**
 * Fails unless the change set about to be executed is the one reviewed: still there, with
 * the reviewed id, and executable.
 */
export async function verify(params: VerifyParams, deps: ReviewDependencies, signal: AbortSignal): Promise<JobSuccess> {
  if (params.execute === 'false') {
    return { summary: 'the review found nothing to execute', outputVariables: { ChangeSetName: params.changeSetName, ChangeSetId: params.reviewedChangeSetId } };
  }
  const credentials = await deps.clients.assumeReadOnlyRole(params, `change-verify-${params.environment}`, signal);
  const cfn = cloudFormationIn(params, credentials);
  let current: DescribeChangeSetCommandOutput;
  try {
    current = await cfn.send(new DescribeChangeSetCommand({ StackName: params.stackName, ChangeSetName: params.changeSetName }), { abortSignal: signal });
  } catch (err) {
    if ((err as Error).name === 'ChangeSetNotFoundException') {
      // "After you execute a change set, CloudFormation removes all change sets associated
      // with the stack": https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-execute.html
      throw new Error(`change set '${params.changeSetName}' of stack '${params.stackName}' (account ${params.account}) no longer exists: ` +
        'it was deleted, or another change set of the stack was executed after this review (CloudFormation then removes every other change set). ' +
        'Nothing was executed; release the change again to review it against the stack as it is now');
    }
    throw err;
  }
  if (current.ChangeSetId !== params.reviewedChangeSetId) {
    throw new Error(`change set '${params.changeSetName}' of stack '${params.stackName}' was replaced after the review: reviewed ${params.reviewedChangeSetId}, ` +
      `now ${current.ChangeSetId}. Nothing was executed; release the change again to review what would now be executed`);
  }
  if (current.ExecutionStatus !== 'AVAILABLE') {
    throw new Error(`change set '${params.changeSetName}' of stack '${params.stackName}' cannot be executed: its execution status is ${current.ExecutionStatus}` +
      `${current.StatusReason ? ` (${current.StatusReason})` : ''}. Nothing was executed`);
  }
  return {
    summary: `change set ${current.ChangeSetId} is the one reviewed and is executable`,
    // VerifiedAt: the moment right before the execution, from which a revert's bake is counted.
    outputVariables: { ChangeSetName: params.changeSetName, ChangeSetId: params.reviewedChangeSetId, VerifiedAt: deps.now().toISOString() },
  };
}

/** The review's reads of the target's CloudFormation, through the read-only role's client. */
function reads(cfn: CloudFormationClient, deps: ReviewDependencies, signal: AbortSignal): CloudFormationReads {
  return {
    describeChangeSet: (input) => cfn.send(new DescribeChangeSetCommand(input), { abortSignal: signal }),
    getTemplate: (input) => cfn.send(new GetTemplateCommand(input), { abortSignal: signal }),
    describeEvents: (input) => cfn.send(new DescribeEventsCommand(input), { abortSignal: signal }),
    sleep: (ms) => deps.sleep(ms, signal),
    aborted: () => signal.aborted,
  };
}

/** The console page of an object in the artifact bucket (opened signed in to the build account). */
export function s3ObjectUrl(partition: string, region: string, bucket: string, key: string): string {
  const url = consoleUrl(partition, region, `s3/object/${bucket}`);
  return `${url}&bucketType=general&prefix=${encodeURIComponent(key)}`;
}
