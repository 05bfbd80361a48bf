/**
 * What a release re-targets at the version it publishes: a CodeDeploy traffic hook's target
 * (an environment variable holding Ref of the new AWS::Lambda::Version, its ARN) and a
 * per-version errors alarm (dimension ExecutedVersion, GetAtt Version). Low only when the new
 * value is the version of the SAME function that the change set adds and moves the alias to
 * with CodeDeploy, and nothing else changes; every near miss needs a person.
 *
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html#aws-resource-lambda-version-return-values
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
import {
  ASSET_BUCKET,
  KAA,
  RELEASE_DOCS,
  fnArn,
  hex,
  lid,
  maker,
  modify,
  physName,
  release,
  releaseInput,
  res,
  roleArn,
  template,
  type Obj,
  type Props,
  type Release,
  type ReleaseOpts,
} from './build';
import type { CorpusCase, CorpusInput } from './types';

const low = maker('control-low');
const high = maker('safe-deploy-weakening');

const DOCS = [
  ...RELEASE_DOCS,
  'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html#aws-resource-lambda-version-return-values',
  'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html',
];
const ALARM_DOCS = [...DOCS, res('AWS::CloudWatch::Alarm'), 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html'];
const HOOK_DOCS = [...DOCS, 'https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html'];

const ALARM = lid('OrdersErrorsAlarm');
const HOOK = lid('OrdersPreTrafficHook');
const HOOK_NAME = physName(HOOK);

function dims(version: unknown, fnName: string): Obj[] {
  return [{ Name: 'ExecutedVersion', Value: version }, { Name: 'FunctionName', Value: fnName }, { Name: 'Resource', Value: `${fnName}:live` }];
}

function alarmProps(version: unknown, fnName: string, extra: Props = {}): Props {
  return { Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Dimensions: dims(version, fnName), ...extra };
}

interface AlarmOpts {
  readonly after?: Props;
  readonly cause?: string | null;
}

/** The errors alarm of `r`, moving from version 7 to the added version (unless told otherwise). */
function alarmChange(r: Release, o: AlarmOpts = {}): Obj {
  const cause = o.cause === null ? undefined : o.cause ?? `${r.versionLogical}.Version`;
  return modify('AWS::CloudWatch::Alarm', ALARM, `${r.fnName}-errors`, alarmProps('7', r.fnName), o.after ?? alarmProps(KAA, r.fnName), cause !== undefined ? { causes: { Dimensions: cause } } : {});
}

function alarmTemplate(r: Release): Obj {
  return { [ALARM]: { Type: 'AWS::CloudWatch::Alarm', Properties: alarmProps({ 'Fn::GetAtt': [r.versionLogical, 'Version'] }, r.fnName) } };
}

const HOOK_CODE = { S3Bucket: ASSET_BUCKET, S3Key: `${hex('code:hook', 64).toLowerCase()}.zip` };

function hookProps(target: string, extra: Obj = {}, code: Obj = HOOK_CODE): Props {
  return {
    Code: code, Handler: 'index.handler', Runtime: 'nodejs20.x', Role: roleArn(physName(lid('OrdersPreTrafficHookRole'))),
    Environment: { Variables: { HOOK_TARGET: target, HOOK_CHECK: '{"path":"/health","status":200}', ...extra } },
  };
}

interface HookOpts {
  readonly after?: Props;
  readonly cause?: string | null;
  /** Whether the alias's UpdatePolicy names the hook (default true). */
  readonly named?: boolean;
  readonly release?: ReleaseOpts;
}

/** The pre-traffic hook of `r`, moving its target from version 7 to the added version. */
function hookChange(r: Release, o: HookOpts = {}): Obj {
  const cause = o.cause === null ? undefined : o.cause ?? r.versionLogical;
  return modify('AWS::Lambda::Function', HOOK, HOOK_NAME, hookProps(`${r.fnArn}:7`), o.after ?? hookProps(KAA), cause !== undefined ? { causes: { Environment: cause } } : {});
}

/** `r` with the hook in its template, named by the alias's UpdatePolicy unless `named` is false. */
function withHook(r: Release, named = true): Release {
  const alias = r.resources[r.aliasLogical] as Obj;
  const policy = (alias.UpdatePolicy as Obj | undefined)?.CodeDeployLambdaAliasUpdate as Obj | undefined;
  const resources: Obj = {
    ...r.resources,
    [HOOK]: { Type: 'AWS::Lambda::Function', Properties: hookProps({ Ref: r.versionLogical } as never) },
    [r.aliasLogical]: named && policy !== undefined ? { ...alias, UpdatePolicy: { CodeDeployLambdaAliasUpdate: { ...policy, BeforeAllowTrafficHook: { Ref: HOOK } } } } : alias,
  };
  return { ...r, resources };
}

/** `releases` and `extra` changes, with the alarm of the first release in the template. */
function withAlarm(releases: Release[], extra: Obj[]): CorpusInput {
  const t = template(...releases);
  return releaseInput(releases, extra, { template: { ...t, Resources: { ...(t.Resources as Obj), ...alarmTemplate(releases[0]) } } });
}

function alarmInput(r: Release, change: Obj, others: Release[] = []): CorpusInput {
  return withAlarm([r, ...others], [change]);
}

function hookInput(r: Release, change: Obj, others: Release[] = [], named = true): CorpusInput {
  const hooked = withHook(r, named);
  return releaseInput([hooked, ...others], [change]);
}

const orders = release('Orders');
const reports = release('Reports');

const LOW: CorpusCase[] = [
  low.low('release-alarm-follows-new-version', 'The orders errors alarm watches the version the release adds (ExecutedVersion 7 to the new version)', ALARM_DOCS, alarmInput(orders, alarmChange(orders))),
  low.low('release-hook-follows-new-version', 'The orders pre-traffic hook now tests the version the release adds (its HOOK_TARGET, Ref of the new version)', HOOK_DOCS, hookInput(orders, hookChange(orders))),
  low.low(
    'release-hook-and-alarm-follow-new-version',
    'A release whose hook and errors alarm both follow it to the new version',
    [...ALARM_DOCS, ...HOOK_DOCS],
    withAlarm([withHook(orders)], [hookChange(orders), alarmChange(orders)]),
  ),
];

const HIGH: CorpusCase[] = [
  high.high('alarm-follows-version-and-threshold-raised', 'The errors alarm follows the new version and its threshold goes from 1 to 100', 'safe-deploy', ALARM_DOCS,
    alarmInput(orders, alarmChange(orders, { after: alarmProps(KAA, orders.fnName, { Threshold: 100 }) }))),
  high.high('alarm-executed-version-pinned-to-an-old-version', 'The errors alarm\'s ExecutedVersion goes from 7 to 3 (a fixed old version), not the new one', 'safe-deploy', ALARM_DOCS,
    alarmInput(orders, alarmChange(orders, { after: alarmProps('3', orders.fnName), cause: null }))),
  high.high('alarm-follows-version-of-another-function', 'The orders errors alarm now watches a version of the reports function the release adds', 'safe-deploy', ALARM_DOCS,
    alarmInput(orders, alarmChange(orders, { cause: `${reports.versionLogical}.Version` }), [reports])),
  high.high('alarm-function-dimension-moves-too', 'The errors alarm follows a new version and its FunctionName dimension moves to the reports function', 'safe-deploy', ALARM_DOCS,
    alarmInput(orders, alarmChange(orders, { after: { ...alarmProps(KAA, orders.fnName), Dimensions: dims(KAA, reports.fnName) } }), [reports])),
  high.high('alarm-follows-version-without-alias-move', 'The errors alarm follows a new version, but no alias moves to it with CodeDeploy', 'safe-deploy', ALARM_DOCS,
    alarmInput(release('Orders', { noAlias: true }), alarmChange(orders))),
  high.high('alarm-executed-version-dropped', 'The errors alarm loses its ExecutedVersion dimension (it now watches every version, from the new version\'s change)', 'safe-deploy', ALARM_DOCS,
    alarmInput(orders, alarmChange(orders, { after: { ...alarmProps(KAA, orders.fnName), Dimensions: dims(KAA, orders.fnName).slice(1) } }))),
  high.high('hook-follows-version-and-its-check-changes', 'The hook follows the new version and its check now expects status 500', 'safe-deploy', HOOK_DOCS,
    hookInput(orders, hookChange(orders, { after: hookProps(KAA, { HOOK_CHECK: '{"path":"/health","status":500}' }) }))),
  high.high('hook-follows-version-and-gains-a-variable', 'The hook follows the new version and gains SKIP_CHECKS=true', 'safe-deploy', HOOK_DOCS,
    hookInput(orders, hookChange(orders, { after: hookProps(KAA, { SKIP_CHECKS: 'true' }) }))),
  high.high('function-not-named-as-a-hook-follows-version', 'A function the template does not name as a traffic hook gets the new version\'s ARN in its environment', 'safe-deploy', HOOK_DOCS,
    hookInput(orders, hookChange(orders), [], false)),
  high.high('hook-targets-a-version-of-another-function', 'The orders hook now tests a version of the reports function', 'safe-deploy', HOOK_DOCS,
    hookInput(orders, hookChange(orders, { cause: reports.versionLogical }), [reports])),
  high.high('hook-follows-version-and-its-code-changes', 'The hook follows the new version and its own code changes', 'safe-deploy', HOOK_DOCS,
    hookInput(orders, hookChange(orders, { after: hookProps(KAA, {}, { ...HOOK_CODE, S3Key: 'other.zip' }) }))),
  high.high('hook-target-becomes-the-unqualified-function', 'The hook now tests the function itself ($LATEST), not a version', 'safe-deploy', HOOK_DOCS,
    hookInput(orders, hookChange(orders, { after: hookProps(fnArn(orders.fnName)), cause: null }))),
  high.high('hook-follows-version-of-an-alias-without-codedeploy', 'The hook follows a new version whose alias moves without a deployment group', 'safe-deploy', HOOK_DOCS,
    hookInput(release('Orders', { updatePolicy: 'no-group' }), hookChange(orders))),
];

export const CASES: CorpusCase[] = [...LOW, ...HIGH];
