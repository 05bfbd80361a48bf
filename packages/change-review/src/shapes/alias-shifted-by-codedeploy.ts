import { JsonObject } from '../model/change-set';
import { Subject, templateResource } from '../model/facts';
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
  if (policy === undefined || policy === null || typeof policy !== 'object' || Array.isArray(policy)) return false;
  const update = (policy as JsonObject).CodeDeployLambdaAliasUpdate;
  if (update === undefined || update === null || typeof update !== 'object' || Array.isArray(update)) return false;
  const u = update as JsonObject;
  return present(u.ApplicationName) && present(u.DeploymentGroupName);
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

export const aliasShiftedByCodeDeploy: LowShape = {
  id: 'alias-shifted-by-codedeploy',
  title: 'AWS::Lambda::Alias: only FunctionVersion (and Description) changes, and the template shifts it with CodeDeploy (UpdatePolicy CodeDeployLambdaAliasUpdate)',
  why: 'CloudFormation hands the move to CodeDeploy, which shifts traffic by the deployment group\'s configuration, runs its hooks and rolls back on its alarms.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate',
    'https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-lambda.html',
  ],
  matches: (s: Subject) => s.change.type === 'AWS::Lambda::Alias' && inPlaceModify(s.change)
    && onlyChanges(s, ['FunctionVersion', 'Description']) && shiftedByCodeDeploy(s),
};
