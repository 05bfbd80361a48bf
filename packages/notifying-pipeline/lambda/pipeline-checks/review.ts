/**
 * The change review (before an approval) and the verification of the reviewed change set
 * (right before its execution). Both read the target account through its read-only role.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CloudFormationClient, DescribeChangeSetCommand, DescribeChangeSetCommandOutput, DescribeEventsCommand, GetTemplateCommand, OperationEvent,
} from '@aws-sdk/client-cloudformation';
import { AutoApprove, ChangeReview, ChangeSetInput } from '@crosswalk/change-review';
import { changeSetUrl, consoleUrl } from '../../src/private/console';
import { CheckClients, cloudFormationIn } from './clients';
import { JobSuccess } from './job';
import { ReviewParams, VerifyParams } from '../../src/private/check-params';

/** How deep nested change sets are followed; deeper ones are reported as not reviewed. */
const MAX_NESTING = 5;
/**
 * At most this many DescribeChangeSet pages are read per change set: one more than the review
 * accepts, so that a larger change set is refused by the review (the stage fails, naming the
 * cap) instead of being paged without end.
 */
const MAX_PAGES = 101;
/** How long a change set that CloudFormation is still creating is awaited between reads. */
const CREATE_POLL_MS = 5_000;
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
  const credentials = await deps.clients.assumeReadOnlyRole(params, `change-review-${params.environment}`, signal);
  const cfn = cloudFormationIn(params, credentials);
  const input = await readChangeSet(cfn, { StackName: params.stackName, ChangeSetName: params.changeSetName }, deps, signal, 0);

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
  const reports = [
    { key: `${key}.html`, body: result.html(context), type: 'text/html; charset=utf-8' },
    { key: `${key}.md`, body: result.markdown(context), type: 'text/markdown; charset=utf-8' },
  ];
  for (const report of reports) {
    // The bucket's default encryption (the artifact key) applies to every object written.
    await deps.clients.s3.send(new PutObjectCommand({
      Bucket: params.reportBucket, Key: report.key, Body: report.body, ContentType: report.type,
    }), { abortSignal: signal });
  }
  const reportUrl = s3ObjectUrl(params.partition, params.region, params.reportBucket, reports[0].key);
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
    outputVariables: { ChangeSetName: params.changeSetName, ChangeSetId: params.reviewedChangeSetId },
  };
}

/**
 * Reads every page of a change set with its property values (waiting while CloudFormation
 * still creates it), its processed template, then its nested change sets: the review's input,
 * as the API returned it.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 * GetTemplate with ChangeSetName returns the change set's template, authorized on the stack
 * (the read-only role's cloudformation:GetTemplate):
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html
 */
async function readChangeSet(
  cfn: CloudFormationClient, which: { StackName?: string; ChangeSetName: string },
  deps: ReviewDependencies, signal: AbortSignal, depth: number,
): Promise<ChangeSetInput> {
  const describe = (NextToken?: string) => cfn.send(new DescribeChangeSetCommand({ ...which, IncludePropertyValues: true, ...(NextToken ? { NextToken } : {}) }), { abortSignal: signal });
  let first = await describe();
  while (first.Status === 'CREATE_PENDING' || first.Status === 'CREATE_IN_PROGRESS') {
    await deps.sleep(CREATE_POLL_MS, signal);
    first = await describe();
  }
  const pages: DescribeChangeSetCommandOutput[] = [first];
  let next = first.NextToken;
  while (next && pages.length < MAX_PAGES) {
    const page = await describe(next);
    pages.push(page);
    next = page.NextToken;
  }
  const template = first.Status === 'CREATE_COMPLETE' ? await readTemplate(cfn, which, first.ChangeSetId, signal) : undefined;
  const events = depth === 0 && first.Status === 'CREATE_COMPLETE' ? await readEvents(cfn, which, first.ChangeSetId, signal) : {};
  const nested: { [id: string]: ChangeSetInput } = {};
  if (depth < MAX_NESTING) {
    for (const change of pages.flatMap((p) => p.Changes ?? [])) {
      const resource = change.ResourceChange;
      // A nested stack's own change set, present when the change set includes nested stacks.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
      if (resource?.ResourceType === 'AWS::CloudFormation::Stack' && resource.ChangeSetId && !nested[resource.ChangeSetId]) {
        nested[resource.ChangeSetId] = await readChangeSet(cfn, { ChangeSetName: resource.ChangeSetId }, deps, signal, depth + 1);
      }
    }
  }
  return { pages, ...(template !== undefined ? { template } : {}), ...events, nested };
}

/** At most this many DescribeEvents pages are read; more is said in the report, not guessed. */
const MAX_EVENT_PAGES = 20;

/**
 * The hooks and pre-deployment validations CloudFormation ran on the change set (DescribeEvents
 * with its ARN). What cannot be read is passed on as `eventsProblem`, which makes the review ask
 * a person. https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeEvents.html
 */
async function readEvents(
  cfn: CloudFormationClient, which: { StackName?: string; ChangeSetName: string }, id: string | undefined, signal: AbortSignal,
): Promise<{ events?: OperationEvent[]; eventsProblem?: string }> {
  const events: OperationEvent[] = [];
  try {
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await cfn.send(new DescribeEventsCommand({ ...which, ChangeSetName: id ?? which.ChangeSetName, ...(next ? { NextToken: next } : {}) }), { abortSignal: signal });
      events.push(...(page.OperationEvents ?? []));
      next = page.NextToken;
      pages++;
    } while (next && pages < MAX_EVENT_PAGES);
    if (next) return { eventsProblem: `more than ${MAX_EVENT_PAGES} pages of events: not all of AWS's checks were read` };
    return { events };
  } catch (err) {
    if (signal.aborted) throw err;
    return { eventsProblem: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** The change set's processed template, or undefined when it cannot be read (the review then proves less low). */
async function readTemplate(cfn: CloudFormationClient, which: { StackName?: string; ChangeSetName: string }, id: string | undefined, signal: AbortSignal): Promise<string | undefined> {
  try {
    const out = await cfn.send(new GetTemplateCommand({ ...which, ChangeSetName: id ?? which.ChangeSetName, TemplateStage: 'Processed' }), { abortSignal: signal });
    return out.TemplateBody;
  } catch (err) {
    if (signal.aborted) throw err;
    return undefined;
  }
}

/** The console page of an object in the artifact bucket (opened signed in to the build account). */
function s3ObjectUrl(partition: string, region: string, bucket: string, key: string): string {
  const url = consoleUrl(partition, region, `s3/object/${bucket}`);
  return `${url}&bucketType=general&prefix=${encodeURIComponent(key)}`;
}
