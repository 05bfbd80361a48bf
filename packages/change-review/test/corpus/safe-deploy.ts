/**
 * Safe-deploy weakening: the canary that is 100% at once, the alarms that cannot fire, rollback
 * off, and function changes that are not behind an alias shifted by CodeDeploy (no template, no
 * UpdatePolicy, the wrong alias, the wrong function, extra routing). Most cases ride along with an
 * otherwise low release, as they would in a pipeline.
 */
import {
  DOC,
  RELEASE_DOCS,
  STACK,
  add,
  cites,
  cs,
  deploymentGroupProps,
  detail,
  fnArn,
  lid,
  maker,
  newCode,
  patch,
  physName,
  release,
  releaseInput,
  remove,
  res,
  suffix,
  template,
  functionProps,
  type Obj,
  type Props,
  type Release,
  type ReleaseOpts,
} from './build';
import type { CorpusCase, ExpectedCategory } from './types';

const c = maker('safe-deploy-weakening');

const orders = release('Orders');
const GROUP_PHYSICAL = `${STACK}-${orders.groupLogical}-${suffix('group')}`;
const GROUP_DOCS = [...RELEASE_DOCS, res('AWS::CodeDeploy::DeploymentGroup'), DOC.codeDeployConfigs];

/** The orders release and its deployment group changed by `p`. */
function group(id: string, title: string, p: Props, extra: readonly Obj[] = [], extraCites: readonly string[] = []): CorpusCase {
  const change = patch('AWS::CodeDeploy::DeploymentGroup', orders.groupLogical, GROUP_PHYSICAL, deploymentGroupProps('Orders'), p);
  return c.high(id, title, 'safe-deploy', [...GROUP_DOCS, ...extraCites], releaseInput([orders], [...extra, change]));
}

const config = (name: string, routing: Props): Obj =>
  add('AWS::CodeDeploy::DeploymentConfig', lid(name), { DeploymentConfigName: name, ComputePlatform: 'Lambda', TrafficRoutingConfig: routing });

const ALARM_LOGICAL = lid('OrdersErrorsAlarm');
const ALARM_NAME = `${STACK}-OrdersErrors-${suffix('alarm:Orders')}`;
const ALARM_BASE: Props = {
  Namespace: 'AWS/Lambda',
  MetricName: 'Errors',
  Dimensions: [
    { Name: 'FunctionName', Value: orders.fnName },
    { Name: 'Resource', Value: `${orders.fnName}:live` },
  ],
  Statistic: 'Sum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'breaching',
  ActionsEnabled: true,
};
const ALARM_DOCS = [...RELEASE_DOCS, res('AWS::CloudWatch::Alarm'), DOC.codeDeployRollback];

/** The orders release and its rollback alarm changed by `p`. */
const alarm = (id: string, title: string, p: Props, extraCites: readonly string[] = []): CorpusCase =>
  c.high(id, title, 'safe-deploy', [...ALARM_DOCS, ...extraCites], releaseInput([orders], [patch('AWS::CloudWatch::Alarm', ALARM_LOGICAL, ALARM_NAME, ALARM_BASE, p)]));

const CODEDEPLOY: CorpusCase[] = [
  group('deployment-group-config-to-custom-name', 'The deployment group switches to a custom config the change set does not show', { DeploymentConfigName: 'orders-SafeCanary' }),
  group(
    'deployment-group-to-new-safe-canary-100',
    'A new "SafeCanary" config shifts 100% in its canary step, and the group uses it',
    { DeploymentConfigName: 'SafeCanary' },
    [config('SafeCanary', { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 100, CanaryInterval: 5 } })],
    [res('AWS::CodeDeploy::DeploymentConfig')],
  ),
  c.high(
    'new-deployment-config-linear-100',
    'A new "GradualLinear" config shifts 100% per step, added on its own',
    'safe-deploy',
    [...cites('AWS::CodeDeploy::DeploymentConfig'), DOC.codeDeployConfigs],
    cs([config('GradualLinear', { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearPercentage: 100, LinearInterval: 10 } })]),
  ),
  c.high(
    'new-deployment-config-all-at-once-named-canary',
    'A new "Canary10Percent" config whose traffic routing is AllAtOnce',
    'safe-deploy',
    [...cites('AWS::CodeDeploy::DeploymentConfig'), DOC.codeDeployConfigs],
    cs([config('Canary10Percent', { Type: 'AllAtOnce' })]),
  ),
  group('deployment-group-all-at-once', 'The deployment group switches to CodeDeployDefault.LambdaAllAtOnce', { DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' }),
  group('deployment-group-alarms-removed', 'The deployment group no longer watches any alarm', { AlarmConfiguration: { Alarms: [] } }),
  group('deployment-group-alarm-configuration-disabled', 'The deployment group alarm configuration is disabled', { AlarmConfiguration: { Enabled: false } }),
  group('deployment-group-ignore-poll-alarm-failure', 'The deployment group proceeds when it cannot read its alarms', { AlarmConfiguration: { IgnorePollAlarmFailure: true } }),
  group('deployment-group-auto-rollback-off', 'Automatic rollback is turned off', { AutoRollbackConfiguration: { Enabled: false } }),
  group(
    'deployment-group-rollback-on-alarm-removed',
    'Automatic rollback no longer triggers on alarms (DEPLOYMENT_STOP_ON_ALARM removed)',
    { AutoRollbackConfiguration: { Events: ['DEPLOYMENT_FAILURE'] } },
  ),
  group('deployment-group-alarm-swapped', 'The group now watches a different alarm, one the change set does not show', {
    AlarmConfiguration: { Alarms: [{ Name: 'orders-never-fires' }] },
  }),
];

const ALARMS: CorpusCase[] = [
  alarm('alarm-threshold-raised', 'The rollback alarm fires at 1000 errors instead of 1', { Threshold: 1000 }),
  alarm('alarm-actions-disabled', 'The rollback alarm actions are disabled', { ActionsEnabled: false }),
  alarm('alarm-treat-missing-data-changed', 'Missing data no longer counts as breaching for the rollback alarm', { TreatMissingData: 'ignore' }, [DOC.alarmMissingData]),
  alarm('alarm-evaluation-periods-raised', 'The rollback alarm needs 60 bad minutes instead of one: it fires after the canary is over', { EvaluationPeriods: 60 }),
  c.high(
    'alarm-removed',
    'The rollback alarm the deployment group names is deleted',
    'safe-deploy',
    ALARM_DOCS,
    releaseInput([orders], [remove('AWS::CloudWatch::Alarm', ALARM_LOGICAL, ALARM_NAME, ALARM_BASE)]),
  ),
];

/** A release whose shape is changed by `o`, with its template (unless `noTemplate`). */
function releaseCase(id: string, title: string, category: ExpectedCategory | undefined, o: ReleaseOpts, extra: readonly Obj[] = [], extraCites: readonly string[] = []): CorpusCase {
  return c.high(id, title, category, [...RELEASE_DOCS, ...extraCites], releaseInput([release('Orders', o)], extra));
}

const otherAlias: Obj = {
  [lid('ReportsHandlerLiveAlias')]: {
    Type: 'AWS::Lambda::Alias',
    Properties: { FunctionName: { Ref: lid('ReportsHandler') }, FunctionVersion: '3', Name: 'live' },
    UpdatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: lid('ReleaseApplication') }, DeploymentGroupName: { Ref: lid('ReportsDeploymentGroup') } } },
  },
};
const bare: Release = release('Orders', { updatePolicy: 'none' });
const payments = release('Payments');

const ALIAS: CorpusCase[] = [
  c.high('release-without-template', 'A code release whose template could not be read: the UpdatePolicy cannot be checked', undefined, [...RELEASE_DOCS, DOC.getTemplate], cs(orders.changes)),
  releaseCase('release-template-without-update-policy', 'A code release whose alias has no CodeDeployLambdaAliasUpdate: traffic moves at once', 'safe-deploy', { updatePolicy: 'none' }),
  releaseCase('release-update-policy-without-group', 'The alias UpdatePolicy names an application but no deployment group', 'safe-deploy', { updatePolicy: 'no-group' }),
  releaseCase('release-update-policy-without-application', 'The alias UpdatePolicy names a deployment group but no application', 'safe-deploy', { updatePolicy: 'no-application' }),
  releaseCase('release-update-policy-wrong-kind', 'The alias UpdatePolicy is an AutoScalingRollingUpdate, not CodeDeployLambdaAliasUpdate', 'safe-deploy', {
    updatePolicy: { AutoScalingRollingUpdate: { MinInstancesInService: 1 } },
  }),
  c.high(
    'release-update-policy-on-another-alias',
    'The template has a CodeDeploy UpdatePolicy, but on the reports alias, not the one that moves',
    'safe-deploy',
    RELEASE_DOCS,
    cs(bare.changes, { template: template(bare, otherAlias) }),
  ),
  releaseCase('alias-routing-config-added', 'The alias gains a RoutingConfig sending half the traffic to version 6, outside CodeDeploy', 'safe-deploy', {
    aliasPatch: { RoutingConfig: { AdditionalVersionWeights: [{ FunctionVersion: '6', FunctionWeight: 0.5 }] } },
  }, [], [DOC.lambdaRouting]),
  releaseCase('function-code-without-alias-or-version', 'New function code with no version and no alias move: $LATEST changes for every caller', 'safe-deploy', { noAlias: true, noVersion: true }),
  releaseCase('function-code-with-version-without-alias', 'New function code and a new version, but no alias moves', 'safe-deploy', { noAlias: true }),
  c.high(
    'function-code-beside-another-alias-move',
    'The orders function changes, but the alias that moves is the payments alias',
    'safe-deploy',
    RELEASE_DOCS,
    releaseInput([release('Orders', { noAlias: true }), release('Payments', { noFunction: true })]),
  ),
  releaseCase('version-of-another-function', 'The new version is of the payments function, not of the orders function whose code changed', 'safe-deploy', {
    versionFunctionName: payments.fnName,
  }),
  releaseCase('alias-repointed-to-another-function', 'The moving alias now points at the payments function', 'safe-deploy', { aliasFunctionName: payments.fnName }),
  releaseCase('release-reserved-concurrency-zero', 'A release that also sets ReservedConcurrentExecutions to 0: every invocation is throttled', undefined, {
    fnPatch: { ...newCode('Orders'), ReservedConcurrentExecutions: 0 },
  }, [], [DOC.lambdaConcurrency]),
  releaseCase(
    'release-hook-function-removed',
    'A release that deletes the BeforeAllowTraffic hook function',
    undefined,
    {},
    [remove('AWS::Lambda::Function', lid('PreTrafficHook'), physName(lid('PreTrafficHook')), { ...functionProps('PreTraffic'), Handler: 'hook.handler' })],
    [DOC.codeDeployHooks],
  ),
  c.high(
    'alias-update-policy-hook-removed',
    'The moving alias also loses the BeforeAllowTrafficHook of its UpdatePolicy (Scope UpdatePolicy)',
    'safe-deploy',
    [...RELEASE_DOCS, DOC.target, DOC.codeDeployHooks],
    cs(withHookRemoved(orders), { template: template(orders) }),
  ),
];

/** The release's changes, the alias change also reporting its UpdatePolicy hook removed. */
function withHookRemoved(r: Release): Obj[] {
  const hook = detail({ attribute: 'UpdatePolicy', path: '/UpdatePolicy/CodeDeployLambdaAliasUpdate/BeforeAllowTrafficHook', before: physName(lid('PreTrafficHook')), change: 'Remove' });
  return r.changes.map((ch) => {
    const rc = ch.ResourceChange as Obj;
    if (rc.ResourceType !== 'AWS::Lambda::Alias') return ch;
    return { ...ch, ResourceChange: { ...rc, Scope: [...(rc.Scope as string[]), 'UpdatePolicy'], Details: [...(rc.Details as Obj[]), hook] } };
  });
}

const forbidden = (id: string, title: string, category: ExpectedCategory | undefined, p: Props): CorpusCase =>
  c.high(id, title, category, [...RELEASE_DOCS], releaseInput([release('Orders', { fnPatch: { ...newCode('Orders'), ...p } })]));

const EXTRA_PROPERTIES: CorpusCase[] = [
  forbidden('release-with-role-change', 'A release that also gives the function another execution role', 'iam', { Role: `arn:aws:iam::222222222222:role/orders-admin` }),
  forbidden('release-with-vpc-config', 'A release that also moves the function into a VPC', undefined, { VpcConfig: { SubnetIds: ['subnet-0a1b2c3d'], SecurityGroupIds: ['sg-0c1d2e3f4a5b6c7d8'] } }),
  forbidden('release-with-layer-added', 'A release that also adds a layer from another account', undefined, { Layers: ['arn:aws:lambda:eu-west-1:333333333333:layer:telemetry:4'] }),
  forbidden('release-with-kms-key-change', 'A release that also changes the environment encryption key', undefined, { KmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/0f1e2d3c-4b5a-4968-8776-655443322110' }),
  forbidden('release-with-dead-letter-config', 'A release that also sends failed events to another queue', undefined, { DeadLetterConfig: { TargetArn: 'arn:aws:sqs:eu-west-1:333333333333:collector' } }),
  forbidden('release-with-logging-config', 'A release that also moves the logs to another log group', undefined, { LoggingConfig: { LogGroup: '/shared/all-functions', LogFormat: 'JSON' } }),
  forbidden('release-with-file-system', 'A release that also mounts a file system', undefined, { FileSystemConfigs: [{ Arn: 'arn:aws:elasticfilesystem:eu-west-1:222222222222:access-point/fsap-0a1b2c3d4e5f60718', LocalMountPath: '/mnt/data' }] }),
  forbidden('release-with-snapstart', 'A release that also turns on SnapStart', undefined, { SnapStart: { ApplyOn: 'PublishedVersions' } }),
  forbidden('release-with-runtime-management', 'A release that also pins the runtime version', undefined, { RuntimeManagementConfig: { UpdateRuntimeOn: 'Manual', RuntimeVersionArn: 'arn:aws:lambda:eu-west-1::runtime:0123456789abcdef' } }),
  c.high(
    'release-with-function-name-change',
    'A release that also renames the function (replacement)',
    undefined,
    [...RELEASE_DOCS, DOC.updateBehaviors],
    releaseInput([release('Orders', { fnPatch: { FunctionName: 'orders-handler' }, fnOpts: { recreation: { FunctionName: 'Always' } } })]),
  ),
  c.high(
    'release-of-function-referenced-by-arn-in-other-account',
    'The moving alias names a function ARN of another account',
    undefined,
    RELEASE_DOCS,
    releaseInput([release('Orders', { aliasBase: { FunctionName: fnArn('orders').replace('222222222222', '333333333333') } })]),
  ),
];

export const CASES: CorpusCase[] = [...CODEDEPLOY, ...ALARMS, ...ALIAS, ...EXTRA_PROPERTIES];
