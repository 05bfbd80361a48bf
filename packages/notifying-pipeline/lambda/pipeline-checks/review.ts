/**
 * The change review (before an approval) and the verification of the reviewed change set
 * (right before its execution). Both read the target account through its read-only role.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  Change, CloudFormationClient, DescribeChangeSetCommand, DescribeChangeSetCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { changeSetUrl, consoleUrl } from '../../src/private/console';
import { classify, decide, ReviewedChangeSet } from '../change-review/classify';
import { renderHtml, renderMarkdown, summarize } from '../change-review/report';
import { CheckClients, cloudFormationIn } from './clients';
import { JobSuccess } from './job';
import { ReviewParams, VerifyParams } from '../../src/private/check-params';

/** How deep nested change sets are followed; deeper ones are reported as not reviewed. */
const MAX_NESTING = 5;
/** How long a change set that CloudFormation is still creating is awaited between reads. */
const CREATE_POLL_MS = 5_000;
/** The approval's CustomData is an action configuration value: at most 1000 characters
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html);
 * the summary keeps well under it, since the substituted text is what counts. */
export const SUMMARY_MAX = 500;

/**
 * CloudFormation marks a change set that would change nothing as FAILED. AWS documents no
 * status for this case; these two reasons are what it is seen to say. Only they count as
 * "no changes": any other failure fails the review (the safe side).
 */
const NO_CHANGES_REASONS = [/didn't contain changes/i, /no updates are to be performed/i];

export interface ReviewDependencies {
  readonly clients: CheckClients;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The review's timestamp in the report (ISO); the clock of the function. */
  readonly now: () => Date;
}

/** Reviews the change set, writes its report, and returns the variables of the approval and the conditions. */
export async function review(params: ReviewParams, deps: ReviewDependencies, signal: AbortSignal): Promise<JobSuccess> {
  const credentials = await deps.clients.assumeReadOnlyRole(params, `change-review-${params.environment}`, signal);
  const cfn = cloudFormationIn(params, credentials);
  const changeSet = await readChangeSet(cfn, { StackName: params.stackName, ChangeSetName: params.changeSetName }, deps, signal, 0);

  const classification = classify(changeSet);
  const decision = decide(classification.tier, params.autoApprove);
  const context = {
    pipelineName: params.pipelineName,
    executionId: params.executionId,
    environment: params.environment,
    account: params.account,
    region: params.region,
    stackName: params.stackName,
    changeSetName: params.changeSetName,
    changeSetId: changeSet.changeSetId,
    reviewedAt: deps.now().toISOString(),
    policy: params.autoApprove,
    decision,
    changeSetUrl: changeSetUrl(params.partition, params.region, params.stackName, changeSet.changeSetId),
  };

  const key = `${params.reportPrefix}${params.executionId}/${params.environment}`;
  const reports = [
    { key: `${key}.html`, body: renderHtml(classification, context), type: 'text/html; charset=utf-8' },
    { key: `${key}.md`, body: renderMarkdown(classification, context), type: 'text/markdown; charset=utf-8' },
  ];
  for (const report of reports) {
    // The bucket's default encryption (the artifact key) applies to every object written.
    await deps.clients.s3.send(new PutObjectCommand({
      Bucket: params.reportBucket, Key: report.key, Body: report.body, ContentType: report.type,
    }), { abortSignal: signal });
  }
  const reportUrl = s3ObjectUrl(params.partition, params.region, params.reportBucket, reports[0].key);
  const summary = summarize(classification, context, SUMMARY_MAX);

  return {
    summary: `${summary} Report: ${reportUrl}`,
    outputVariables: {
      RiskTier: classification.tier,
      ApprovalRequired: String(decision.approvalRequired),
      Execute: String(decision.execute),
      Decision: decision.reason,
      Summary: summary,
      ChangeSetId: changeSet.changeSetId,
      ChangeSetName: params.changeSetName,
      Changes: String(classification.counts.total),
      NeedsAttention: String(classification.attentionCount),
      ReportUrl: reportUrl,
    },
  };
}

/**
 * Fails unless the change set about to be executed is the one reviewed: still there, with
 * the reviewed id, and executable.
 */
export async function verify(params: VerifyParams, deps: ReviewDependencies, signal: AbortSignal): Promise<JobSuccess> {
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
    outputVariables: { ChangeSetName: params.changeSetName, ChangeSetId: params.reviewedChangeSetId },
  };
}

/**
 * Reads every page of a change set with its property values, waiting while CloudFormation
 * still creates it, then its nested change sets.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 */
async function readChangeSet(
  cfn: CloudFormationClient, which: { StackName?: string; ChangeSetName: string },
  deps: ReviewDependencies, signal: AbortSignal, depth: number,
): Promise<ReviewedChangeSet> {
  let first = await cfn.send(new DescribeChangeSetCommand({ ...which, IncludePropertyValues: true }), { abortSignal: signal });
  while (first.Status === 'CREATE_PENDING' || first.Status === 'CREATE_IN_PROGRESS') {
    await deps.sleep(CREATE_POLL_MS, signal);
    first = await cfn.send(new DescribeChangeSetCommand({ ...which, IncludePropertyValues: true }), { abortSignal: signal });
  }
  const base = {
    stackName: first.StackName ?? which.StackName ?? '',
    changeSetName: first.ChangeSetName ?? which.ChangeSetName,
    changeSetId: first.ChangeSetId ?? which.ChangeSetName,
    status: first.Status,
    statusReason: first.StatusReason,
  };
  if (first.Status === 'FAILED') {
    if (NO_CHANGES_REASONS.some((reason) => reason.test(first.StatusReason ?? ''))) return { ...base, changes: [], nested: {} };
    throw new Error(`change set '${base.changeSetName}' of stack '${base.stackName}' failed: ${first.StatusReason ?? 'no reason given'}`);
  }
  if (first.Status !== 'CREATE_COMPLETE') {
    throw new Error(`change set '${base.changeSetName}' of stack '${base.stackName}' is ${first.Status}${first.StatusReason ? ` (${first.StatusReason})` : ''}: it cannot be reviewed`);
  }
  const changes: Change[] = [...(first.Changes ?? [])];
  let next = first.NextToken;
  while (next) {
    const page = await cfn.send(new DescribeChangeSetCommand({ ...which, IncludePropertyValues: true, NextToken: next }), { abortSignal: signal });
    changes.push(...(page.Changes ?? []));
    next = page.NextToken;
  }
  const nested: Record<string, ReviewedChangeSet> = {};
  if (depth < MAX_NESTING) {
    for (const change of changes) {
      const resource = change.ResourceChange;
      // A nested stack's own change set, present when the change set includes nested stacks.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
      if (resource?.ResourceType === 'AWS::CloudFormation::Stack' && resource.ChangeSetId && resource.LogicalResourceId) {
        nested[resource.LogicalResourceId] = await readChangeSet(cfn, { ChangeSetName: resource.ChangeSetId }, deps, signal, depth + 1);
      }
    }
  }
  return { ...base, changes, nested };
}

/** The console page of an object in the artifact bucket (opened signed in to the build account). */
function s3ObjectUrl(partition: string, region: string, bucket: string, key: string): string {
  const url = consoleUrl(partition, region, `s3/object/${bucket}`);
  return `${url}&bucketType=general&prefix=${encodeURIComponent(key)}`;
}
