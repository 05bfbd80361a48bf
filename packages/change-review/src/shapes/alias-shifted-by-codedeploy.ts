import { JsonObject } from '../model/change-set';
import { isJsonObject, refOf } from '../model/json';
import { after, Subject, templateResource } from '../model/facts';
import { inPlaceModify, onlyChanges } from './common';
import { LowShape } from './shape';

/**
 * Whether the template gives the alias CodeDeploy's traffic shifting: an UpdatePolicy
 * CodeDeployLambdaAliasUpdate naming the application and the deployment group. A change set
 * does not show UpdatePolicy, so only the template can prove it.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate
 */
export function shiftedByCodeDeploy(s: Subject): boolean {
  const policy = templateResource(s)?.UpdatePolicy;
  if (!isJsonObject(policy)) return false;
  const u = policy.CodeDeployLambdaAliasUpdate;
  if (!isJsonObject(u)) return false;
  // The application and the deployment group are the template's own, and the group stops and
  // rolls back a deployment on its alarms: only then does the shift protect anything.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codedeploy-deploymentgroup.html
  const application = referenced(s, u.ApplicationName, 'AWS::CodeDeploy::Application');
  const group = referenced(s, u.DeploymentGroupName, 'AWS::CodeDeploy::DeploymentGroup');
  if (!application || !group || !isJsonObject(group.Properties)) return false;
  const props = group.Properties;
  const alarms = isJsonObject(props.AlarmConfiguration) ? props.AlarmConfiguration : undefined;
  const rollback = isJsonObject(props.AutoRollbackConfiguration) ? props.AutoRollbackConfiguration : undefined;
  return alarms !== undefined && alarms.Enabled === true && Array.isArray(alarms.Alarms) && alarms.Alarms.length > 0 && alarms.IgnorePollAlarmFailure !== true
    && rollback !== undefined && rollback.Enabled === true && Array.isArray(rollback.Events) && rollback.Events.includes('DEPLOYMENT_STOP_ON_ALARM');
}

/** The template resource a `{Ref: id}` names, when it is of the given type. */
function referenced(s: Subject, value: unknown, type: string): JsonObject | undefined {
  const id = refOf(value);
  if (id === undefined) return undefined;
  const r = s.changeSet.templateResources?.[id];
  return isJsonObject(r) && r.Type === type ? r : undefined;
}

export const aliasShiftedByCodeDeploy: LowShape = {
  id: 'alias-shifted-by-codedeploy',
  title: 'AWS::Lambda::Alias: only FunctionVersion (and Description) changes, not to $LATEST, and the template shifts it with CodeDeploy (UpdatePolicy CodeDeployLambdaAliasUpdate naming the template\'s own application and a deployment group that stops and rolls back on its alarms)',
  why: 'CloudFormation hands the move to CodeDeploy, which shifts traffic by the deployment group\'s configuration, runs its hooks and rolls back on its alarms.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate',
    'https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-lambda.html',
  ],
  matches: (s: Subject) => s.change.type === 'AWS::Lambda::Alias' && inPlaceModify(s.change)
    && onlyChanges(s, ['FunctionVersion', 'Description']) && after(s.change, 'FunctionVersion') !== '$LATEST' && shiftedByCodeDeploy(s),
};
