/**
 * The AWS calls of the failure notifier, all of them reads:
 * - build account, the function's own role: codepipeline:ListActionExecutions,
 *   codebuild:BatchGetBuilds, codebuild:DescribeTestCases, sts:AssumeRole;
 * - target account, the read-only convention role: cloudformation:DescribeStackEvents,
 *   codedeploy:GetDeployment, codedeploy:ListDeploymentTargets,
 *   codedeploy:BatchGetDeploymentTargets.
 * Every call carries the enrichment's abort signal; every failure is kept as the reason of
 * the part it was for, so a message can say which part could not be read.
 */
import { DescribeStackEventsCommand, StackEvent } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmHistoryCommand, HistoryItemType, ScanBy } from '@aws-sdk/client-cloudwatch';
import { alarmStateChange } from '../shared/alarm-history';
import { BatchGetBuildsCommand, DescribeTestCasesCommand, TestCase } from '@aws-sdk/client-codebuild';
import { ActionExecutionDetail, ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import {
  BatchGetDeploymentTargetsCommand, DeploymentInfo, DeploymentTarget, GetDeploymentCommand, ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { BuildAccountClients, RoleCredentials, TargetAccountClients, TargetClientFactory } from './clients';
import { READ_ONLY_ROLE_NAME_ENV, ROLE_SESSION_NAME } from './config';
import { assumeRole, ConventionRoleName, roleNameIn, targetRoleArn } from '../shared/read-only-role';
import {
  ALARM_ACTIVE, deploymentFinding, DeploymentFinding, deploymentIdIn, ExecutionEvent, FailedAction, failed, failedActions,
  AlarmTransition, Findings, firstFailure, involvesCodeDeploy, revertingAlarm, isCloudFormationAction, isTestAction, Lookup, read, reachesOperationStart, READING,
  StackFailure, StackLookups, testFailures, TestFailures,
} from './findings';
import { describeError, Log } from './log';

/** What enrichment calls AWS with. */
export interface EnrichmentDependencies {
  readonly clients: Pick<BuildAccountClients, 'codePipeline' | 'codeBuild' | 'sts'>;
  readonly targetClients: TargetClientFactory;
  readonly log: Log;
}

/** Where enrichment reads. */
export interface EnrichmentSettings {
  /** The read-only role assumed in target accounts; without it they are not read. */
  readonly readOnlyRoleName?: ConventionRoleName;
  /** The partition of the build account, for actions without a role ARN. */
  readonly partition: string;
  /** The pipeline's region. */
  readonly region: string;
}

/** Upper bounds of paging: far above what one execution produces, low enough to end in time. */
const MAX_PAGES = { actionExecutions: 10, stackEvents: 10, deploymentTargets: 5, testCases: 5 };
/** Reports of one build that are read for failed tests. */
const MAX_REPORTS = 5;
/** BatchGetDeploymentTargets takes at most 25 target ids (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BatchGetDeploymentTargets.html). */
const TARGETS_PER_BATCH = 25;

/**
 * Reads what went wrong in a failed execution into `findings`, part by part. Never throws
 * for an AWS error (it becomes the reason of the part); stops when `signal` aborts.
 */
export async function enrich(event: ExecutionEvent, findings: Findings, deps: EnrichmentDependencies, settings: EnrichmentSettings, signal: AbortSignal): Promise<void> {
  findings.actions = READING;
  let actions: FailedAction[];
  try {
    const details = await listActionExecutions(deps, event, signal);
    actions = failedActions(details, settings.region, settings.partition);
  } catch (err) {
    findings.actions = failed(problemText(err));
    deps.log('WARN', 'could not list the action executions', { error: problemText(err) });
    return;
  }
  // Every part is marked as being read before any call: if time runs out, the message says which.
  for (const action of actions) {
    if (isCloudFormationAction(action)) action.stack = { events: READING };
    if (isTestAction(action)) action.tests = READING;
  }
  findings.actions = read(actions);

  const sessions = new TargetSessions(deps, settings, signal);
  // eslint-disable-next-line @cdklabs/promiseall-no-unbounded-parallelism -- the failed actions of one execution: at most the pipeline's actions (CodePipeline quotas), each read within the enrichment's time limit
  await Promise.all(actions.map(async (action) => {
    if (action.stack) await readStack(action, action.stack, sessions, deps.log, signal);
    if (action.tests) action.tests = await readTests(action, deps, signal);
  }));
}

/**
 * ListActionExecutions filtered by the execution, following `nextToken`
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html:
 * `filter.pipelineExecutionId`, `maxResults` up to 100, `nextToken`; answers
 * `actionExecutionDetails` and `nextToken`).
 */
async function listActionExecutions(deps: EnrichmentDependencies, event: ExecutionEvent, signal: AbortSignal): Promise<ActionExecutionDetail[]> {
  const details: ActionExecutionDetail[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES.actionExecutions; page++) {
    const out = await call('ListActionExecutions', () => deps.clients.codePipeline.send(new ListActionExecutionsCommand({
      pipelineName: event.pipeline,
      filter: { pipelineExecutionId: event.executionId },
      maxResults: 100,
      nextToken,
    }), { abortSignal: signal }));
    details.push(...(out.actionExecutionDetails ?? []));
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  return details;
}

/** The read-only role of each target account, assumed once per invocation and account. */
class TargetSessions {
  private readonly credentials = new Map<string, Promise<RoleCredentials>>();
  private readonly clientsByRegion = new Map<string, Promise<TargetAccountClients>>();

  constructor(private readonly deps: EnrichmentDependencies, private readonly settings: EnrichmentSettings, private readonly signal: AbortSignal) {}

  /** Whether a read-only role name is configured at all. */
  public get configured(): boolean {
    return this.settings.readOnlyRoleName !== undefined;
  }

  /**
   * The ARN of the read-only role of an account's region: `arn:<partition>:iam::<account>:role/<READ_ONLY_ROLE_NAME>`,
   * the name by region when the pipeline deploys to several. Throws for a region without one.
   */
  public roleArn(partition: string, account: string, region: string): string {
    const roleName = this.settings.readOnlyRoleName;
    if (roleName === undefined) throw new Error(`${READ_ONLY_ROLE_NAME_ENV} is not set`); // callers check `configured` first
    return targetRoleArn(partition, account, roleNameIn(roleName, region));
  }

  /** Clients of an account in a region, acting as its read-only role. */
  public clients(partition: string, account: string, region: string): Promise<TargetAccountClients> {
    const roleArn = this.roleArn(partition, account, region);
    const key = `${roleArn} ${region}`;
    let clients = this.clientsByRegion.get(key);
    if (!clients) {
      let credentials = this.credentials.get(roleArn);
      if (!credentials) {
        credentials = this.assume(roleArn);
        this.credentials.set(roleArn, credentials);
      }
      clients = credentials.then((c) => this.deps.targetClients(c, region));
      this.clientsByRegion.set(key, clients);
    }
    return clients;
  }

  /** The read-only role's credentials, through the shared AssumeRole of both functions. */
  private async assume(roleArn: string): Promise<RoleCredentials> {
    return call('AssumeRole', () => assumeRole(this.deps.clients.sts, roleArn, ROLE_SESSION_NAME, this.signal));
  }
}

async function readStack(action: FailedAction, stack: StackLookups, sessions: TargetSessions, log: Log, signal: AbortSignal): Promise<void> {
  if (!action.stackName) {
    stack.events = failed('the action\'s configuration has no StackName');
    return;
  }
  if (!action.account) {
    stack.events = failed('the action has no role ARN: it ran with the pipeline\'s own role, and the notifier reads only target accounts');
    return;
  }
  if (!sessions.configured) {
    stack.events = failed(`${READ_ONLY_ROLE_NAME_ENV} is not set`);
    return;
  }
  let clients: TargetAccountClients;
  try {
    clients = await sessions.clients(action.partition, action.account, action.region);
  } catch (err) {
    let roleArn: string;
    try {
      roleArn = sessions.roleArn(action.partition, action.account, action.region);
    } catch (inner) {
      roleArn = `the read-only role of ${action.account} in ${action.region} (${problemText(inner)})`;
    }
    stack.events = failed(`could not assume ${roleArn}: ${problemText(err)}`);
    log('WARN', 'could not assume the read-only role', { roleArn, error: problemText(err) });
    return;
  }
  let failure: StackFailure | undefined;
  try {
    failure = await readFirstFailure(clients, action.stackName, action.startTime, signal);
    stack.events = read(failure);
  } catch (err) {
    stack.events = failed(problemText(err));
    log('WARN', 'could not read the stack events', { stack: action.stackName, account: action.account, error: problemText(err) });
    return;
  }
  const reverting = revertingAlarm(failure);
  if (reverting) {
    stack.revert = { ...reverting, transition: READING };
    try {
      stack.revert.transition = read(await readAlarmTransition(clients, reverting.alarmName, action.startTime, signal));
    } catch (err) {
      stack.revert.transition = failed(problemText(err));
      log('WARN', 'could not read the alarm history', { alarm: reverting.alarmName, error: problemText(err) });
    }
    return;
  }
  if (!failure || !involvesCodeDeploy(failure)) return;
  const deploymentId = deploymentIdIn(failure.reason);
  if (!deploymentId) {
    stack.deployment = { info: failed('CloudFormation\'s reason names no deployment id') };
    return;
  }
  stack.deployment = { deploymentId, info: READING };
  try {
    stack.deployment.info = read(await readDeployment(clients, deploymentId, signal));
  } catch (err) {
    stack.deployment.info = failed(problemText(err));
    log('WARN', 'could not read the deployment', { deploymentId, error: problemText(err) });
  }
}

/**
 * DescribeStackEvents pages, newest first, until the start of the action's operation
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html:
 * "in reverse chronological order"; `NextToken` while more pages exist).
 */
async function readFirstFailure(clients: TargetAccountClients, stackName: string, since: Date | undefined, signal: AbortSignal): Promise<StackFailure | undefined> {
  const events: StackEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES.stackEvents; page++) {
    const out = await call('DescribeStackEvents', () => clients.cloudFormation.send(
      new DescribeStackEventsCommand({ StackName: stackName, NextToken: nextToken }), { abortSignal: signal }));
    const pageEvents = out.StackEvents ?? [];
    events.push(...pageEvents);
    nextToken = out.NextToken;
    if (!nextToken || reachesOperationStart(pageEvents, since)) break;
  }
  return firstFailure(events, since);
}

/**
 * The alarm's latest move to ALARM since the action started: DescribeAlarmHistory's StateUpdate
 * items, newest first (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html),
 * read as the bake reads them ({@link alarmStateChange}).
 */
async function readAlarmTransition(clients: TargetAccountClients, alarmName: string, since: Date | undefined, signal: AbortSignal): Promise<AlarmTransition | undefined> {
  const out = await call('DescribeAlarmHistory', () => clients.cloudWatch.send(new DescribeAlarmHistoryCommand({
    AlarmName: alarmName, HistoryItemType: HistoryItemType.StateUpdate, ScanBy: ScanBy.TIMESTAMP_DESCENDING, MaxRecords: 20,
    ...(since ? { StartDate: since } : {}),
  }), { abortSignal: signal }));
  for (const item of out.AlarmHistoryItems ?? []) {
    const change = alarmStateChange(item.HistoryData);
    if (change.to === 'ALARM') return { time: item.Timestamp, reason: change.reason };
  }
  return undefined;
}

/**
 * GetDeployment (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_GetDeployment.html),
 * and, unless an alarm stopped it, its targets' lifecycle events to find a failed hook. When
 * the id is that of the rollback (`rollbackInfo.rollbackTriggeringDeploymentId` set, no error
 * of its own), the deployment it rolled back is the one that failed.
 */
async function readDeployment(clients: TargetAccountClients, deploymentId: string, signal: AbortSignal): Promise<DeploymentFinding> {
  const get = async (id: string): Promise<DeploymentInfo> => {
    const out = await call('GetDeployment', () => clients.codeDeploy.send(new GetDeploymentCommand({ deploymentId: id }), { abortSignal: signal }));
    const info = out.deploymentInfo;
    if (!info) throw new Error(`GetDeployment answered without deploymentInfo for ${id}`);
    return info;
  };
  let info = await get(deploymentId);
  let foundThroughRollback: string | undefined;
  const rolledBack = info.rollbackInfo?.rollbackTriggeringDeploymentId;
  if (rolledBack && !info.errorInformation) {
    info = await get(rolledBack);
    foundThroughRollback = deploymentId;
  }
  if (info.errorInformation?.code === ALARM_ACTIVE) return deploymentFinding(info, [], foundThroughRollback);
  try {
    return deploymentFinding(info, await readTargets(clients, info.deploymentId ?? deploymentId, signal), foundThroughRollback);
  } catch (err) {
    if (signal.aborted) throw err;
    // What GetDeployment said is still worth sending.
    return deploymentFinding(info, [], foundThroughRollback, problemText(err));
  }
}

/**
 * ListDeploymentTargets (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ListDeploymentTargets.html)
 * then BatchGetDeploymentTargets (`deploymentTargets[].lambdaTarget.lifecycleEvents`).
 */
async function readTargets(clients: TargetAccountClients, deploymentId: string, signal: AbortSignal): Promise<DeploymentTarget[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES.deploymentTargets; page++) {
    const out = await call('ListDeploymentTargets', () => clients.codeDeploy.send(new ListDeploymentTargetsCommand({ deploymentId, nextToken }), { abortSignal: signal }));
    ids.push(...(out.targetIds ?? []));
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  const targets: DeploymentTarget[] = [];
  for (let i = 0; i < ids.length && i < TARGETS_PER_BATCH * 4; i += TARGETS_PER_BATCH) {
    const targetIds = ids.slice(i, i + TARGETS_PER_BATCH);
    const out = await call('BatchGetDeploymentTargets', () => clients.codeDeploy.send(
      new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds }), { abortSignal: signal }));
    targets.push(...(out.deploymentTargets ?? []));
  }
  return targets;
}

/**
 * The failed test cases of a CodeBuild test action, in the build account:
 * BatchGetBuilds([build id]) → `builds[0].reportArns`
 * (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_Build.html), then per report
 * DescribeTestCases with `filter.status` FAILED
 * (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_DescribeTestCases.html,
 * https://docs.aws.amazon.com/codebuild/latest/APIReference/API_TestCaseFilter.html).
 */
async function readTests(action: FailedAction, deps: EnrichmentDependencies, signal: AbortSignal): Promise<Lookup<TestFailures>> {
  const buildId = action.externalExecutionId;
  if (!buildId) return failed('CodePipeline gave no build id for the action');
  try {
    const builds = await call('BatchGetBuilds', () => deps.clients.codeBuild.send(new BatchGetBuildsCommand({ ids: [buildId] }), { abortSignal: signal }));
    const build = builds.builds?.[0];
    if (!build) return failed(`BatchGetBuilds found no build ${buildId}`);
    const reportArns = build.reportArns ?? [];
    const cases: TestCase[] = [];
    let lowerBound = reportArns.length > MAX_REPORTS;
    for (const reportArn of reportArns.slice(0, MAX_REPORTS)) {
      let nextToken: string | undefined;
      for (let page = 0; ; page++) {
        if (page >= MAX_PAGES.testCases) {
          lowerBound = true;
          break;
        }
        const out = await call('DescribeTestCases', () => deps.clients.codeBuild.send(new DescribeTestCasesCommand({
          reportArn, filter: { status: 'FAILED' }, maxResults: 100, nextToken,
        }), { abortSignal: signal }));
        cases.push(...(out.testCases ?? []));
        nextToken = out.nextToken;
        if (!nextToken) break;
      }
    }
    return read(testFailures(buildId, reportArns, cases, lowerBound));
  } catch (err) {
    deps.log('WARN', 'could not read the failed tests', { buildId, error: problemText(err) });
    return failed(problemText(err));
  }
}

/** An AWS call that failed, named by its operation. */
class CallFailed extends Error {
  public readonly name = 'CallFailed';
  constructor(public readonly operation: string, public readonly cause: unknown) {
    super(`${operation}: ${describeError(cause)}`);
  }
}

/** Runs one AWS call; its error, if any, names the operation. */
async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new CallFailed(operation, err);
  }
}

/** The reason a part could not be read: `<Operation>: <ErrorName>: <message>`. */
function problemText(err: unknown): string {
  return err instanceof CallFailed ? err.message : describeError(err);
}
