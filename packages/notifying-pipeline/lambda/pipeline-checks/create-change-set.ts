/**
 * Creates an environment's change set with CloudFormation's rollback triggers, so that a
 * release that sets off one of the stack's alarms during its execution, or within the bake
 * after it, is reverted by CloudFormation itself: "If any of the alarms goes to ALARM state
 * during the stack operation or the monitoring period, CloudFormation rolls back the entire
 * stack operation" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-rollback-triggers.html).
 * CodePipeline's CloudFormation action has no setting for them
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CloudFormation.html),
 * so this check creates the change set, as the target account's deployment role, and the
 * pipeline's own action executes it after the review and the approval.
 *
 * Fail closed: a stack whose alarms cannot be read, with no alarm to watch, with an alarm in
 * ALARM already, or with more alarms than CloudFormation takes and no composite alarm over them
 * fails the action, naming the fix; nothing is created.
 */
import {
  CloudFormationClient, CreateChangeSetCommand, DeleteChangeSetCommand, DescribeChangeSetCommand, DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { AlarmType, CloudWatchClient, CompositeAlarm, DescribeAlarmsCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { CreateChangeSetParams } from '../../src/contract/check-params';
import { CheckClients } from './clients';
import { Job, JobSuccess } from './job';

/** The input artifact the template comes from (the Build stage's output). */
export const TEMPLATE_ARTIFACT = 'BuildOutput';

/** At most 5 rollback triggers (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_RollbackConfiguration.html: RollbackTriggers, "Maximum number of 5 items"). */
export const MAX_ROLLBACK_TRIGGERS = 5;

/** A template given by URL: at most 1 MB (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html: TemplateURL). */
export const MAX_TEMPLATE_BYTES = 1_000_000;

/** Between two looks at the change set's status. */
export const CHANGE_SET_POLL_MS = 5_000;

export interface CreateChangeSetDependencies {
  readonly clients: CheckClients;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A rollback trigger: an alarm's ARN and its CloudFormation type. */
export interface RollbackTrigger {
  readonly Arn: string;
  readonly Type: 'AWS::CloudWatch::Alarm' | 'AWS::CloudWatch::CompositeAlarm';
}

export async function createChangeSet(params: CreateChangeSetParams, job: Job, deps: CreateChangeSetDependencies, signal: AbortSignal): Promise<JobSuccess> {
  const template = await readTemplate(params, job, deps, signal);
  // The template goes where the deployment role (CloudFormation's caller) may read it.
  await deps.clients.s3.send(new PutObjectCommand({
    Bucket: params.templateBucket, Key: params.templateKey, Body: template, ContentType: 'application/json',
  }), { abortSignal: signal });

  const credentials = await deps.clients.assumeDeploymentRole(params, `change-set-${params.environment}`, signal);
  const cfn = new CloudFormationClient({ region: params.region, credentials, maxAttempts: 3 });
  const cloudWatch = new CloudWatchClient({ region: params.region, credentials, maxAttempts: 3 });

  const status = await stackStatus(cfn, params, signal);
  // A stack that does not exist yet (or was only ever reviewed: REVIEW_IN_PROGRESS) is
  // created, and has no earlier state to return to: no trigger.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html (ChangeSetType)
  const creating = status === undefined || status === 'REVIEW_IN_PROGRESS';
  // Without an alarm prefix nothing reverts the change: the change set is only created by URL.
  const reverts = params.alarmNamePrefix !== undefined;
  const triggers = creating || !reverts ? [] : await rollbackTriggers(cloudWatch, params, signal);
  const input = {
    StackName: params.stackName,
    ChangeSetName: params.changeSetName,
    ChangeSetType: creating ? 'CREATE' as const : 'UPDATE' as const,
    TemplateURL: templateUrl(params),
    RoleARN: params.executionRoleArn,
    Capabilities: params.capabilities as never[],
    Parameters: Object.entries(params.parameterOverrides ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    ...(reverts ? { RollbackConfiguration: { RollbackTriggers: triggers, MonitoringTimeInMinutes: params.monitoringMinutes } } : {}),
    Description: (reverts
      ? `${params.environment}: revert on ${triggers.length > 0 ? triggers.map((t) => t.Arn.split(':').pop()).join(', ') : 'no alarm (stack creation)'}`
      : `${params.environment}: reviewed and approved, no rollback trigger`).slice(0, 1024),
  };
  let created: string | undefined;
  try {
    created = (await cfn.send(new CreateChangeSetCommand(input), { abortSignal: signal })).Id;
  } catch (err) {
    // The same execution's action run again (a retried stage): its change set is replaced.
    if ((err as Error).name !== 'AlreadyExistsException') throw err;
    await cfn.send(new DeleteChangeSetCommand({ StackName: params.stackName, ChangeSetName: params.changeSetName }), { abortSignal: signal });
    created = (await cfn.send(new CreateChangeSetCommand(input), { abortSignal: signal })).Id;
  }
  const final = await waitForChangeSet(cfn, params, deps, signal);
  const alarms = triggers.map((t) => t.Arn.split(':alarm:').pop()!).join(', ');
  if (!reverts) {
    return {
      summary: `change set ${created ?? params.changeSetName} of stack ${params.stackName} (${final}), created from the template by URL; no alarm reverts it: the review and the approval are its guard`,
      outputVariables: { Revert: 'off', RevertAlarms: '', MonitoringMinutes: '0' },
    };
  }
  return {
    summary: creating
      ? `change set ${created ?? params.changeSetName} creates stack ${params.stackName}: nothing to revert to, so no alarm reverts it (${final})`
      : `change set ${created ?? params.changeSetName} (${final}): CloudFormation reverts the release if ${alarms} goes to ALARM during the execution or the ${params.monitoringMinutes} min after it`,
    outputVariables: {
      Revert: creating ? 'first-deployment' : 'armed',
      RevertAlarms: creating ? '' : alarms.slice(0, 900),
      MonitoringMinutes: String(params.monitoringMinutes),
    },
  };
}

/** The template file from the build output artifact (a zip, as CodePipeline stores artifacts). */
async function readTemplate(params: CreateChangeSetParams, job: Job, deps: CreateChangeSetDependencies, signal: AbortSignal): Promise<Uint8Array> {
  const location = job.inputArtifacts.get(TEMPLATE_ARTIFACT);
  if (!location) throw new Error(`the action has no input artifact '${TEMPLATE_ARTIFACT}' (it has ${[...job.inputArtifacts.keys()].join(', ') || 'none'}): the construct wires the build output in`);
  const object = await deps.clients.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), { abortSignal: signal });
  const zip = await object.Body?.transformToByteArray();
  if (!zip) throw new Error(`the build output s3://${location.bucket}/${location.key} is empty`);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, { filter: (file) => file.name === params.templatePath && file.originalSize <= MAX_TEMPLATE_BYTES });
  } catch (err) {
    throw new Error(`the build output s3://${location.bucket}/${location.key} is not a zip archive: ${(err as Error).message}`);
  }
  const template = files[params.templatePath];
  if (!template) throw new Error(`the build output has no file '${params.templatePath}' of at most ${MAX_TEMPLATE_BYTES} bytes (the template CloudFormation takes by URL): check the environment's templatePath`);
  try {
    const parsed: unknown = JSON.parse(Buffer.from(template).toString('utf-8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  } catch (err) {
    throw new Error(`'${params.templatePath}' in the build output is not a JSON template: ${(err as Error).message}`);
  }
  return template;
}

/** The virtual-hosted URL of the template object (TemplateURL must be an https URL of an S3 object). */
function templateUrl(params: CreateChangeSetParams): string {
  const suffix = params.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${params.templateBucket}.s3.${params.region}.${suffix}/${params.templateKey.split('/').map(encodeURIComponent).join('/')}`;
}

async function stackStatus(cfn: CloudFormationClient, params: CreateChangeSetParams, signal: AbortSignal): Promise<string | undefined> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: params.stackName }), { abortSignal: signal });
    return Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
  } catch (err) {
    // A stack that does not exist: ValidationError "Stack with id … does not exist" (API_DescribeStacks).
    if ((err as Error).name === 'ValidationError' && /does not exist/.test((err as Error).message)) return undefined;
    throw err;
  }
}

/**
 * The alarms whose ALARM reverts the release: those of the target account whose names start
 * with the environment's prefix, metric and composite alike (composite alarms come back only
 * when AlarmTypes asks for them: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
 * More than CloudFormation takes: the composite alarms, when every other alarm is named in
 * one of their rules; otherwise the action fails with the fix.
 */
export async function rollbackTriggers(cloudWatch: CloudWatchClient, params: CreateChangeSetParams, signal: AbortSignal): Promise<RollbackTrigger[]> {
  const metric: MetricAlarm[] = [];
  const composite: CompositeAlarm[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cloudWatch.send(new DescribeAlarmsCommand({
      AlarmNamePrefix: params.alarmNamePrefix, AlarmTypes: [AlarmType.MetricAlarm, AlarmType.CompositeAlarm], NextToken: nextToken,
    }), { abortSignal: signal });
    metric.push(...(page.MetricAlarms ?? []));
    composite.push(...(page.CompositeAlarms ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  const all = [...metric, ...composite];
  if (all.length === 0) {
    throw new Error(`no alarm of account ${params.account} starts with '${params.alarmNamePrefix}': a bake without alarms measures nothing and nothing could revert the release. ` +
      'Give the stack alarms whose names start with it (CloudFormation-generated alarm names start with the stack name; safe-lambda-deploy adds one per function), or set the environment\'s bakeAlarmNamePrefix to theirs');
  }
  const alarming = all.filter((a) => a.StateValue === 'ALARM').map((a) => a.AlarmName);
  if (alarming.length > 0) {
    throw new Error(`${alarming.join(', ')} ${alarming.length === 1 ? 'is' : 'are'} in ALARM now: CloudFormation would revert the release at once. ` +
      'Nothing was created; find and fix the cause in the alarm\'s history, then release again');
  }
  const trigger = (alarm: MetricAlarm | CompositeAlarm, type: RollbackTrigger['Type']): RollbackTrigger => {
    if (!alarm.AlarmArn) throw new Error(`alarm ${alarm.AlarmName} came without its ARN`);
    return { Arn: alarm.AlarmArn, Type: type };
  };
  if (all.length <= MAX_ROLLBACK_TRIGGERS) {
    return [...metric.map((a) => trigger(a, 'AWS::CloudWatch::Alarm')), ...composite.map((a) => trigger(a, 'AWS::CloudWatch::CompositeAlarm'))];
  }
  const covered = (alarm: MetricAlarm) => composite.some((c) => alarmsThatFire(c.AlarmRule).has(alarm.AlarmName ?? '') || alarmsThatFire(c.AlarmRule).has(alarm.AlarmArn ?? ''));
  const uncovered = metric.filter((a) => !covered(a)).map((a) => a.AlarmName);
  if (composite.length > 0 && composite.length <= MAX_ROLLBACK_TRIGGERS && uncovered.length === 0) {
    return composite.map((a) => trigger(a, 'AWS::CloudWatch::CompositeAlarm'));
  }
  throw new Error(`${all.length} alarms start with '${params.alarmNamePrefix}', and CloudFormation watches at most ${MAX_ROLLBACK_TRIGGERS}` +
    `${uncovered.length > 0 && composite.length > 0 ? ` (${uncovered.slice(0, 5).join(', ')}${uncovered.length > 5 ? ', …' : ''} ${uncovered.length === 1 ? 'is' : 'are'} in no composite alarm's rule)` : ''}: ` +
    'give the stack one composite alarm over all of them, a plain OR of ALARM(…) terms (aws-cdk-lib\'s cloudwatch.CompositeAlarm with AlarmRule.anyOf), whose name starts with the prefix');
}

/**
 * The alarms whose ALARM alone sets off a composite alarm: its rule must be a plain
 * disjunction, `ALARM("a") OR ALARM(b) …`; any other rule (AND, NOT, OK(…), a nested group)
 * proves nothing about one child, and gives the empty set. Rule syntax: AlarmRule of
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
 */
export function alarmsThatFire(rule: string | undefined): Set<string> {
  const term = /^\s*ALARM\(\s*(?:"([^"]+)"|([^\s()"]+))\s*\)\s*/;
  const names = new Set<string>();
  let rest = rule ?? '';
  for (;;) {
    const match = term.exec(rest);
    if (!match) return new Set();
    names.add(match[1] ?? match[2]);
    rest = rest.slice(match[0].length);
    if (rest.length === 0) return names;
    const or = /^OR\s+/.exec(rest);
    if (!or) return new Set();
    rest = rest.slice(or[0].length);
  }
}

/** Waits until the change set is created (or refused); its status, or an error with CloudFormation's reason. */
async function waitForChangeSet(cfn: CloudFormationClient, params: CreateChangeSetParams, deps: CreateChangeSetDependencies, signal: AbortSignal): Promise<string> {
  for (;;) {
    const out = await cfn.send(new DescribeChangeSetCommand({ StackName: params.stackName, ChangeSetName: params.changeSetName }), { abortSignal: signal });
    switch (out.Status) {
      case 'CREATE_COMPLETE':
        return 'CREATE_COMPLETE';
      case 'FAILED':
        // A template with no change makes a FAILED change set; the review reads it as "no change" and nothing is executed.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html
        if (/didn't contain changes|No updates are to be performed/i.test(out.StatusReason ?? '')) return 'no change';
        throw new Error(`CloudFormation could not create change set '${params.changeSetName}' of stack '${params.stackName}': ${out.StatusReason ?? 'no reason given'}`);
      default:
        await deps.sleep(CHANGE_SET_POLL_MS, signal);
    }
  }
}
