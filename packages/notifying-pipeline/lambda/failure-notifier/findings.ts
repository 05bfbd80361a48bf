/**
 * What the failure notifier learns about a failed execution, and the PURE rules that turn
 * AWS answers into it (which actions failed, which stack event is the cause, why a CodeDeploy
 * deployment stopped, which tests failed). No AWS calls here: enrich.ts makes them and
 * fills these objects in; format.ts turns them into text.
 */
import type { StackEvent } from '@aws-sdk/client-cloudformation';
import type { TestCase } from '@aws-sdk/client-codebuild';
import type { ActionExecutionDetail } from '@aws-sdk/client-codepipeline';
import type { DeploymentInfo, DeploymentTarget } from '@aws-sdk/client-codedeploy';

/**
 * One piece of detail read from AWS: still being read (when the time budget ran out it is
 * reported as timed out), read, or not read, with the reason.
 */
export type Lookup<T> =
  | { readonly state: 'reading' }
  | { readonly state: 'read'; readonly value: T }
  | { readonly state: 'failed'; readonly problem: string };

/** A lookup that has started. */
export const READING: Lookup<never> = { state: 'reading' };

/** A lookup that ended with a value. */
export function read<T>(value: T): Lookup<T> {
  return { state: 'read', value };
}

/** A lookup that ended without a value. */
export function failed(problem: string): Lookup<never> {
  return { state: 'failed', problem };
}

/** A pipeline execution state change, the event the notifier is for. */
export interface ExecutionEvent {
  readonly kind: 'execution';
  readonly pipeline: string;
  readonly executionId: string;
  /** FAILED for the events the notifier enriches; any other state is only reported. */
  readonly state: string;
  /** When the state changed (the event's `time`). */
  readonly time?: string;
  /** The build account: the pipeline's account. */
  readonly account?: string;
  readonly region?: string;
  /** `execution-trigger.trigger-type` and `trigger-detail`, when present. */
  readonly triggerType?: string;
  readonly triggerDetail?: string;
}

/** Anything else that reached the notifier: reported as what it is. */
export interface OtherInput {
  readonly kind: 'other';
  /** What arrived, in a few words (never the whole payload). */
  readonly description: string;
  readonly pipeline?: string;
  readonly executionId?: string;
  readonly time?: string;
  readonly account?: string;
  readonly region?: string;
}

/** The notifier's view of its input. */
export type NotifierInput = ExecutionEvent | OtherInput;

const EXECUTION_DETAIL_TYPE = 'CodePipeline Pipeline Execution State Change';

/**
 * Reads an EventBridge event of CodePipeline. The shape is the one documented in
 * "Monitoring CodePipeline events" (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html):
 * top-level `detail-type`, `account`, `region`, `time`; `detail.pipeline`,
 * `detail.execution-id`, `detail.state`, optional `detail.execution-trigger`.
 * Anything else becomes an {@link OtherInput}; this never throws.
 */
export function parseInput(input: unknown): NotifierInput {
  if (!isRecord(input)) {
    const type = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input;
    return { kind: 'other', description: `an input that is not an EventBridge event (${type})` };
  }
  const detail = isRecord(input.detail) ? input.detail : undefined;
  const common = {
    pipeline: text(detail?.pipeline),
    executionId: text(detail?.['execution-id']),
    time: text(input.time),
    account: text(input.account),
    region: text(input.region),
  };
  const detailType = text(input['detail-type']);
  if (detailType !== EXECUTION_DETAIL_TYPE) {
    const state = text(detail?.state);
    return {
      kind: 'other',
      description: `an event of type "${oneLine(detailType ?? 'none', 100)}"` +
        `${state ? ` with state ${oneLine(state, 40)}` : ''} from source "${oneLine(text(input.source) ?? 'none', 100)}"`,
      ...common,
    };
  }
  if (!common.pipeline || !common.executionId) {
    return { kind: 'other', description: `a "${EXECUTION_DETAIL_TYPE}" event without ${common.pipeline ? 'an execution-id' : 'a pipeline name'}`, ...common };
  }
  const trigger = isRecord(detail?.['execution-trigger']) ? detail['execution-trigger'] : undefined;
  return {
    kind: 'execution',
    ...common,
    pipeline: common.pipeline,
    executionId: common.executionId,
    state: text(detail?.state) ?? 'UNKNOWN',
    triggerType: text(trigger?.['trigger-type']),
    triggerDetail: text(trigger?.['trigger-detail']),
  };
}

/** A failed action of the execution, from ListActionExecutions, with what was read about it. */
export interface FailedAction {
  readonly stageName: string;
  readonly actionName: string;
  /** `Deploy`, `Test`, `Build`, ... */
  readonly category?: string;
  /** `CloudFormation`, `CodeBuild`, ... */
  readonly provider?: string;
  /** The region the action ran in (`input.region`, else the pipeline's). */
  readonly region: string;
  /** The role the action ran with (`input.roleArn`): in a target account for a deployment. */
  readonly roleArn?: string;
  /** The account of `roleArn`; none when the action ran with the pipeline's own role. */
  readonly account?: string;
  readonly partition: string;
  readonly startTime?: Date;
  readonly lastUpdateTime?: Date;
  /** The stack of a CloudFormation action (`StackName` of its configuration). */
  readonly stackName?: string;
  /** The change set a CloudFormation action executed (`ChangeSetName`, resolved): the release a revert undid. */
  readonly changeSetName?: string;
  readonly summary?: string;
  readonly externalExecutionId?: string;
  readonly externalExecutionUrl?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Set for CloudFormation actions. */
  stack?: StackLookups;
  /** Set for CodeBuild test actions. */
  tests?: Lookup<TestFailures>;
}

/** What is read in the target account about the stack of a CloudFormation action. */
export interface StackLookups {
  /** The first failed resource of the stack operation; `undefined` if no event failed. */
  events: Lookup<StackFailure | undefined>;
  /** Set when the failed resource is a CodeDeploy deployment (a Lambda alias). */
  deployment?: DeploymentLookup;
  /** Set when CloudFormation rolled the stack back because an alarm (a rollback trigger) went off: the revert. */
  revert?: RevertLookup;
}

/** The alarm that reverted a release, and its move to ALARM. */
export interface RevertLookup {
  readonly alarmName: string;
  readonly alarmArn: string;
  transition: Lookup<AlarmTransition | undefined>;
}

/** An alarm's move to ALARM, from its history: when, and CloudWatch's reason (which carries the datapoint that crossed). */
export interface AlarmTransition {
  readonly time?: Date;
  readonly reason?: string;
}

/**
 * The alarm a stack-level rollback names. AWS does not document the wording of the event a
 * rollback trigger leaves (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-rollback-triggers.html
 * says only that the operation is rolled back), so only an alarm ARN in the reason counts; a
 * reason without one is quoted as it is, and no alarm is named.
 */
export function revertingAlarm(failure: StackFailure | undefined): { alarmName: string; alarmArn: string } | undefined {
  if (!failure?.isStack) return undefined;
  const match = /arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:([^\s,;"'\]\[)]+)/.exec(failure.reason ?? '');
  return match ? { alarmName: match[1], alarmArn: match[0] } : undefined;
}

/** The CodeDeploy deployment behind a failed resource. */
export interface DeploymentLookup {
  /** `d-` and 9 characters, from the status reason; missing when the reason names none. */
  readonly deploymentId?: string;
  info: Lookup<DeploymentFinding>;
}

/** The failed stack event chosen as the cause. */
export interface StackFailure {
  readonly logicalId?: string;
  readonly physicalId?: string;
  readonly resourceType?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly time?: Date;
  readonly stackId?: string;
  /** The stack's own event: no resource failed (e.g. a template or a permission problem). */
  readonly isStack: boolean;
}

/** The resource type CloudFormation updates through CodeDeploy for a gradual Lambda deployment. */
export const LAMBDA_ALIAS_TYPE = 'AWS::Lambda::Alias';

const STACK_TYPE = 'AWS::CloudFormation::Stack';

/**
 * Status reasons of resources CloudFormation stopped because another one failed; they are
 * consequences, never the cause.
 */
const CASCADE_REASON = /Resource (creation|update) cancelled/i;

/** Statuses of the stack's own event that start an operation (not a rollback). */
const OPERATION_STARTS = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'IMPORT_IN_PROGRESS']);

/**
 * Statuses of the stack's own event that say the operation failed: `*_FAILED`, or the start
 * of the rollback, whose reason lists the failed resources ("The following resource(s)
 * failed to update: [...]").
 */
function isStackFailure(event: StackEvent): boolean {
  const status = event.ResourceStatus ?? '';
  return status.endsWith('_FAILED') || status === 'ROLLBACK_IN_PROGRESS' || status.endsWith('_ROLLBACK_IN_PROGRESS');
}

function isStackEvent(event: StackEvent): boolean {
  return event.ResourceType === STACK_TYPE
    && (event.PhysicalResourceId === event.StackId || event.LogicalResourceId === event.StackName);
}

function isOperationStart(event: StackEvent): boolean {
  return isStackEvent(event) && OPERATION_STARTS.has(event.ResourceStatus ?? '');
}

/**
 * The events of the stack operation the action ran, from the events as DescribeStackEvents
 * returns them: "in reverse chronological order", newest first
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html).
 * Keeps the events not older than `since` (the action's start) and not older than the
 * newest start of an operation (the stack's own CREATE_/UPDATE_/IMPORT_IN_PROGRESS).
 */
export function operationEvents(eventsNewestFirst: readonly StackEvent[], since?: Date): StackEvent[] {
  const kept: StackEvent[] = [];
  for (const event of eventsNewestFirst) {
    if (since && event.Timestamp && event.Timestamp.getTime() < since.getTime()) break;
    kept.push(event);
    if (isOperationStart(event)) break;
  }
  return kept;
}

/**
 * Whether a page of events (newest first) reaches back to the start of the operation, so
 * that no older page is needed.
 */
export function reachesOperationStart(pageNewestFirst: readonly StackEvent[], since?: Date): boolean {
  return pageNewestFirst.some((event) => isOperationStart(event)
    || (since !== undefined && event.Timestamp !== undefined && event.Timestamp.getTime() < since.getTime()));
}

/**
 * The cause of a failed stack operation: the EARLIEST `*_FAILED` event of a resource that is
 * not a cascade ("Resource creation cancelled", "Resource update cancelled"); else the
 * stack's own failed (or rollback) event; else a cascade; `undefined` when nothing failed.
 */
export function firstFailure(eventsNewestFirst: readonly StackEvent[], since?: Date): StackFailure | undefined {
  const oldestFirst = operationEvents(eventsNewestFirst, since).reverse();
  const resourceFailures = oldestFirst.filter((e) => !isStackEvent(e) && (e.ResourceStatus ?? '').endsWith('_FAILED'));
  const cause = resourceFailures.find((e) => !CASCADE_REASON.test(e.ResourceStatusReason ?? ''))
    ?? oldestFirst.find((e) => isStackEvent(e) && isStackFailure(e))
    ?? resourceFailures[0];
  if (!cause) return undefined;
  return {
    logicalId: cause.LogicalResourceId,
    physicalId: cause.PhysicalResourceId,
    resourceType: cause.ResourceType,
    status: cause.ResourceStatus,
    reason: cause.ResourceStatusReason,
    time: cause.Timestamp,
    stackId: cause.StackId,
    isStack: isStackEvent(cause),
  };
}

/**
 * A CodeDeploy deployment id in a text: `d-` and nine upper-case letters or digits, as
 * CodeDeploy writes them (e.g. `d-A1B2C3D4E`).
 */
export function deploymentIdIn(textValue: string | undefined): string | undefined {
  return textValue?.match(/\bd-[A-Z0-9]{9}\b/)?.[0];
}

/** Whether a failed resource is worth a look at CodeDeploy: a Lambda alias, or a reason naming a deployment. */
export function involvesCodeDeploy(failure: StackFailure | undefined): boolean {
  return failure !== undefined && (failure.resourceType === LAMBDA_ALIAS_TYPE || deploymentIdIn(failure.reason) !== undefined);
}

/** Why a CodeDeploy deployment stopped, from GetDeployment (and its targets for a hook). */
export interface DeploymentFinding {
  readonly deploymentId: string;
  /** `Failed`, `Stopped`, ... */
  readonly status?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** An alarm stopped it (error code ALARM_ACTIVE). */
  readonly stoppedByAlarm: boolean;
  /** The alarms named by the error message, else by the deployment's alarm configuration. */
  readonly alarms: readonly string[];
  /** Lifecycle hooks (BeforeAllowTraffic, AfterAllowTraffic) that failed, with their diagnostics. */
  readonly failedHooks: readonly FailedHook[];
  /** The deployment that rolled this one back, and CodeDeploy's message about it. */
  readonly rollbackDeploymentId?: string;
  readonly rollbackMessage?: string;
  /** Set when the id in the stack's reason was the rollback; this finding is about the deployment it rolled back. */
  readonly foundThroughRollback?: string;
  /** Why the hooks (the deployment's targets) could not be read, if they could not. */
  readonly hooksProblem?: string;
}

/** A lifecycle event of a deployment target with status Failed. */
export interface FailedHook {
  readonly lifecycleEvent?: string;
  readonly errorCode?: string;
  readonly message?: string;
  readonly logTail?: string;
}

/** The error code CodeDeploy sets when a CloudWatch alarm of the deployment went into ALARM. */
export const ALARM_ACTIVE = 'ALARM_ACTIVE';

/**
 * The alarm names in the message CodeDeploy writes for ALARM_ACTIVE, which ends with
 * "Activated alarms: <name-1> <name-2>". The message is not a documented format
 * (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ErrorInformation.html
 * only documents `code` and `message`): names in angle brackets after "Activated alarms:",
 * nothing otherwise.
 */
export function alarmNamesIn(message: string | undefined): string[] {
  const tail = message?.match(/Activated alarms?:\s*(.*)$/is)?.[1];
  if (!tail) return [];
  return [...tail.matchAll(/<([^<>]+)>/g)].map((m) => m[1].trim()).filter((name) => name.length > 0);
}

/**
 * Interprets GetDeployment's `deploymentInfo`
 * (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentInfo.html:
 * `status`, `errorInformation.code`/`message`, `rollbackInfo`, `overrideAlarmConfiguration`)
 * and the targets of BatchGetDeploymentTargets
 * (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentTarget.html:
 * `lambdaTarget.lifecycleEvents[]` with `status` and `diagnostics`).
 */
export function deploymentFinding(
  info: DeploymentInfo,
  targets: readonly DeploymentTarget[] = [],
  foundThroughRollback?: string,
  hooksProblem?: string,
): DeploymentFinding {
  const errorCode = info.errorInformation?.code;
  const errorMessage = info.errorInformation?.message;
  const fromMessage = alarmNamesIn(errorMessage);
  // The deployment's own alarm configuration is only there when it overrides the group's.
  const configured = (info.overrideAlarmConfiguration?.alarms ?? []).map((a) => a.name).filter((n): n is string => !!n);
  const failedHooks: FailedHook[] = [];
  for (const target of targets) {
    const events = target.lambdaTarget?.lifecycleEvents ?? target.ecsTarget?.lifecycleEvents ?? target.instanceTarget?.lifecycleEvents ?? [];
    for (const event of events) {
      if (event.status !== 'Failed') continue;
      failedHooks.push({
        lifecycleEvent: event.lifecycleEventName,
        errorCode: event.diagnostics?.errorCode,
        message: event.diagnostics?.message,
        logTail: event.diagnostics?.logTail,
      });
    }
  }
  return {
    deploymentId: info.deploymentId ?? 'unknown',
    status: info.status,
    errorCode,
    errorMessage,
    stoppedByAlarm: errorCode === ALARM_ACTIVE,
    alarms: fromMessage.length > 0 ? fromMessage : configured,
    failedHooks,
    rollbackDeploymentId: info.rollbackInfo?.rollbackDeploymentId,
    rollbackMessage: info.rollbackInfo?.rollbackMessage,
    foundThroughRollback,
    hooksProblem,
  };
}

/** The failed tests of a CodeBuild test action. */
export interface TestFailures {
  readonly buildId: string;
  readonly reportArns: readonly string[];
  /** The first failed test cases (at most {@link MAX_LISTED_TESTS}). */
  readonly cases: readonly FailedTest[];
  /** How many failed test cases were counted in all. */
  readonly total: number;
  /** More pages were left unread: `total` is a lower bound. */
  readonly totalIsLowerBound: boolean;
}

/** One failed test case. */
export interface FailedTest {
  readonly name: string;
  readonly message?: string;
  readonly reportArn?: string;
}

/** Test names listed in a message; the others are counted. */
export const MAX_LISTED_TESTS = 10;

/** A test case's name as a person finds it in the report: `prefix` and `name` (DescribeTestCases' TestCase). */
export function testName(testCase: TestCase): string {
  const parts = [testCase.testSuiteName, testCase.prefix, testCase.name]
    .filter((p): p is string => !!p && p.trim().length > 0);
  // Reports often repeat the suite in the prefix; say it once.
  const unique = parts.filter((p, i) => parts.indexOf(p) === i);
  return unique.length > 0 ? unique.join(' > ') : '(a test without a name)';
}

/** Keeps the first {@link MAX_LISTED_TESTS} failed cases and counts all. */
export function testFailures(buildId: string, reportArns: readonly string[], failedCases: readonly TestCase[], totalIsLowerBound: boolean): TestFailures {
  return {
    buildId,
    reportArns,
    cases: failedCases.slice(0, MAX_LISTED_TESTS).map((c) => ({ name: testName(c), message: c.message, reportArn: c.reportArn })),
    total: failedCases.length,
    totalIsLowerBound,
  };
}

/** The fields of an ARN: `arn:partition:service:region:account:resource`. */
export function arnParts(arn: string | undefined): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  const parts = arn?.split(':');
  if (!parts || parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
}

/**
 * The failed actions of an execution, oldest first (the latest run of each action), from ListActionExecutions' details
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionExecutionDetail.html:
 * `status` Failed, `stageName`, `actionName`, `startTime`, `lastUpdateTime`,
 * `input.actionTypeId`, `input.configuration`/`resolvedConfiguration`, `input.roleArn`,
 * `input.region`, `output.executionResult`).
 */
export function failedActions(details: readonly ActionExecutionDetail[], pipelineRegion: string, defaultPartition: string): FailedAction[] {
  // A retried stage runs its actions again in the same execution: only the latest run of
  // each action tells whether it failed.
  const latest = new Map<string, ActionExecutionDetail>();
  for (const d of details) {
    const key = `${d.stageName}\u0000${d.actionName}`;
    const seen = latest.get(key);
    if (!seen || (d.startTime?.getTime() ?? 0) >= (seen.startTime?.getTime() ?? 0)) latest.set(key, d);
  }
  return [...latest.values()]
    .filter((d) => d.status === 'Failed')
    .sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0))
    .map((d): FailedAction => {
      const input = d.input;
      const result = d.output?.executionResult;
      const role = arnParts(input?.roleArn);
      const configuration = { ...input?.configuration, ...input?.resolvedConfiguration };
      const provider = input?.actionTypeId?.provider;
      return {
        stageName: d.stageName ?? '(unnamed stage)',
        actionName: d.actionName ?? '(unnamed action)',
        category: input?.actionTypeId?.category,
        provider,
        region: input?.region ?? pipelineRegion,
        roleArn: input?.roleArn,
        account: role?.account || undefined,
        partition: role?.partition || defaultPartition,
        startTime: d.startTime,
        lastUpdateTime: d.lastUpdateTime,
        stackName: provider === 'CloudFormation' ? configuration.StackName : undefined,
        changeSetName: provider === 'CloudFormation' && typeof configuration.ChangeSetName === 'string' ? configuration.ChangeSetName : undefined,
        summary: result?.externalExecutionSummary,
        externalExecutionId: result?.externalExecutionId,
        externalExecutionUrl: result?.externalExecutionUrl,
        errorCode: result?.errorDetails?.code,
        errorMessage: result?.errorDetails?.message,
      };
    });
}

/** Whether the notifier reads the stack of an action. */
export function isCloudFormationAction(action: FailedAction): boolean {
  return action.provider === 'CloudFormation';
}

/** Whether the notifier reads the test report of an action. */
export function isTestAction(action: FailedAction): boolean {
  return action.provider === 'CodeBuild' && action.category === 'Test';
}

/** Everything read for one event. */
export interface Findings {
  /** The failed actions; `undefined` when the notifier did not read them (another state, a broken setup). */
  actions?: Lookup<FailedAction[]>;
  /** Set when the time budget ran out before everything was read, in milliseconds. */
  timedOutAfterMs?: number;
  /** Set when enrichment stopped on an unexpected error of the notifier itself. */
  crashed?: string;
}

/** A value from an untyped input, as text; `undefined` unless a non-empty string or a number. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line of at most `max` characters: control characters and line breaks become spaces. */
export function oneLine(value: string, max: number): string {
  const flat = visible(value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/**
 * Characters that change how text reads without being seen (bidi embeddings, overrides and
 * isolates, zero-width and other invisible formatting characters, Unicode tag characters), and
 * controls other than the line break: written out as `<U+202E>` so that a person sees them.
 */
const HIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;

export function visible(value: string): string {
  return value.replace(HIDDEN, (ch) => `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}
