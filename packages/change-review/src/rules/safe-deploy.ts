import { Json } from '../model/change-set';
import { asNumber, changedProperties, ref, Subject, valueOf } from '../model/facts';
import { Msg, msg, valueList, words } from '../model/text';
import { shiftedByCodeDeploy } from '../shapes/alias-shifted-by-codedeploy';
import { alarmFollowsNewVersion } from '../shapes/alarm-follows-new-version';
import { hookFollowsNewVersion } from '../shapes/hook-follows-new-version';
import { codeFromSameSource, invokedUnqualified, lambdaCodeBehindAlias } from '../shapes/lambda-code-behind-alias';

const code0 = (changed: Set<string>): boolean => ['Code', 'Environment', 'Handler', 'Runtime'].some((p) => changed.has(p));
import { Rule } from './rule';

const ALARM_PROPERTIES = ['Threshold', 'ComparisonOperator', 'EvaluationPeriods', 'DatapointsToAlarm', 'ActionsEnabled', 'TreatMissingData',
  'MetricName', 'Namespace', 'Dimensions', 'Statistic', 'ExtendedStatistic', 'Period', 'Unit', 'Metrics', 'ThresholdMetricId',
  'EvaluateLowSampleCountPercentile', 'AlarmActions', 'AlarmRule', 'ActionsSuppressor'];

function deploymentGroup(s: Subject): string[] {
  const c = s.change;
  if (c.action === 'Remove') return ['the deployment group is removed: traffic shifting, its alarms and automatic rollback stop'];
  if (c.action !== 'Modify') return [];
  const changed = changedProperties(c);
  const out: string[] = [];
  if (changed.has('DeploymentConfigName')) out.push('its deployment configuration changes: traffic may shift faster or all at once');
  if (changed.has('AlarmConfiguration')) out.push('the alarms that stop and roll back a deployment change');
  if (changed.has('AutoRollbackConfiguration')) out.push('its automatic rollback changes');
  if (changed.has('DeploymentStyle') || changed.has('ServiceRoleArn')) out.push('how it deploys changes');
  return out;
}

function deploymentConfig(s: Subject): string[] {
  const c = s.change;
  if (c.action === 'Remove') return ['a deployment configuration is removed'];
  const routing = valueOf(c, 'TrafficRoutingConfig', 'after');
  const describe = routingSummary(routing);
  return [`a deployment configuration is ${c.action === 'Add' ? 'added' : 'changed'}${describe}: whatever its name, check how much traffic it shifts at once`];
}

function routingSummary(routing: Json | undefined): string {
  if (routing === null || typeof routing !== 'object' || Array.isArray(routing)) return '';
  const type = typeof routing.Type === 'string' ? routing.Type : '?';
  const step = [routing.TimeBasedCanary, routing.TimeBasedLinear].find((x) => x !== undefined && x !== null && typeof x === 'object' && !Array.isArray(x)) as { [k: string]: Json } | undefined;
  const pct = step ? asNumber(step.CanaryPercentage ?? step.LinearPercentage) : undefined;
  if (type === 'AllAtOnce') return ' (all traffic at once)';
  return pct !== undefined ? ` (first step ${pct >= 100 ? 'ALL' : `${pct} %`} of traffic)` : '';
}

function alarm(s: Subject): string[] {
  const c = s.change;
  if (c.action === 'Remove') return ['an alarm is removed: deployments and bakes that watched it no longer see it'];
  if (c.action !== 'Modify') return [];
  const changed = [...changedProperties(c)].filter((p) => ALARM_PROPERTIES.includes(p) && !(p === 'Dimensions' && alarmFollowsNewVersion.matches(s)));
  const out = changed.length > 0 ? [`what the alarm watches or when it fires changes (${changed.join(', ')}): check it still fires on a bad release`] : [];
  if (c.replacement === 'True') out.push('the alarm is replaced: the new one starts without data and cannot fire until it has evaluated enough periods');
  return out;
}

function alias(s: Subject): Array<string | Msg> {
  const c = s.change;
  if (c.action === 'Remove') return ['the alias is removed: callers that invoke it fail'];
  if (c.action !== 'Modify') return [];
  const other = [...changedProperties(c)].filter((p) => p !== 'FunctionVersion' && p !== 'Description');
  const out: Array<string | Msg> = other.length > 0
    ? [msg`${words('alias settings other than the version change (')}${valueList(other)}${words('): routing or the function it points to may change at once.')}`]
    : [];
  if (!shiftedByCodeDeploy(s)) {
    out.push(s.changeSet.templateResources === undefined
      ? 'the alias moves, and the review was not given the template to see whether CodeDeploy shifts it (UpdatePolicy is not in a change set): it may move all traffic at once'
      : 'the alias moves without a CodeDeployLambdaAliasUpdate UpdatePolicy naming the template\'s own deployment group with alarms and rollback on alarm: traffic may move at once, with no alarm rollback');
  }
  if (valueOf(c, 'FunctionVersion', 'after') === '$LATEST') out.push('the alias now points at $LATEST: every later code change reaches its callers at once');
  return out;
}

function fn(s: Subject): string[] {
  const c = s.change;
  const out: string[] = [];
  if (c.action === 'Remove' && /hook/i.test(c.logicalId)) out.push('a traffic hook function is removed: deployments lose the check it ran');
  if (c.action !== 'Modify') return out;
  const changed = changedProperties(c);
  const reserved = asNumber(valueOf(c, 'ReservedConcurrentExecutions', 'after'));
  if (changed.has('ReservedConcurrentExecutions')) out.push(reserved === 0 ? 'ReservedConcurrentExecutions becomes 0: every invocation is throttled' : 'its reserved concurrency changes at once for every version');
  // A hook that only follows the release to its new version is invoked unqualified by CodeDeploy
  // by design; nothing but the version it tests changes.
  if (code0(changed) && s.changeSet.templateResources !== undefined && invokedUnqualified(s) && !hookFollowsNewVersion.matches(s)) out.push('something in the template invokes the function itself (not its alias), so it gets the new code at once, without traffic shifting');
  if (changed.has('Code') && !codeFromSameSource(s)) out.push('its code now comes from another S3 bucket or image repository than before (or the change set does not show where from): check who owns it');
  const code = ['Code', 'Environment', 'Handler', 'Runtime', 'Layers', 'ImageConfig'].filter((p) => changed.has(p));
  if (code.length > 0 && !lambdaCodeBehindAlias.matches(s) && !hookFollowsNewVersion.matches(s)) {
    out.push(`its ${code.join(', ')} change${code.length === 1 ? 's' : ''} without a new version shifted by CodeDeploy in the same change set: callers of the function itself get it at once`);
  }
  return out;
}

export const safeDeployRule: Rule = {
  id: 'safe-deploy',
  category: 'safe-deploy',
  summary: 'The safe deploy weakens: a deployment group, configuration (any new one, whatever its name), alarm or alias UpdatePolicy changes or goes; a function changes without a version shifted by CodeDeploy; a hook function goes; concurrency changes at once.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codedeploy-deploymentgroup.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codedeploy-deploymentconfig.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html',
  ],
  check: (s: Subject): Msg[] => {
    let found: Array<string | Msg>;
    switch (s.change.type) {
      case 'AWS::CodeDeploy::DeploymentGroup': found = deploymentGroup(s); break;
      case 'AWS::CodeDeploy::DeploymentConfig': found = deploymentConfig(s); break;
      case 'AWS::CloudWatch::Alarm':
      case 'AWS::CloudWatch::CompositeAlarm': found = alarm(s); break;
      case 'AWS::Lambda::Alias': found = alias(s); break;
      case 'AWS::Lambda::Function': found = fn(s); break;
      default: found = [];
    }
    return found.map((why) => (typeof why === 'string' ? msg`${ref(s)}${words(`: ${why}.`)}` : msg`${ref(s)}${words(': ')}${why}`));
  },
};
