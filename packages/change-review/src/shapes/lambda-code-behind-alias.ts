import { isUnresolved, Json, ResourceChangeModel } from '../model/change-set';
import { after, Subject, templateResource } from '../model/facts';
import { aliasShiftedByCodeDeploy } from './alias-shifted-by-codedeploy';
import { inPlaceModify, onlyChanges } from './common';
import { lambdaVersionAdded } from './lambda-version-added';
import { LowShape } from './shape';

/**
 * Function settings that a published version captures, so that they reach callers only through
 * a new version behind the alias. Role, network, concurrency, layers (code of another
 * publisher), encryption, logging destination and the like are not here: they act on the
 * function at once or change what it may reach.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
 */
export const VERSIONED_SETTINGS = ['Code', 'Description', 'Environment', 'Handler', 'MemorySize', 'Timeout', 'Runtime', 'TracingConfig', 'EphemeralStorage', 'Architectures', 'Tags'];

/**
 * Whether a FunctionName value (name, ARN, or a template Ref) names this function: its physical
 * name, or its ARN in the change set's own account and Region.
 */
export function namesFunction(value: Json | undefined, fn: ResourceChangeModel, where: { account?: string; region?: string }): boolean {
  if (typeof value === 'string') {
    if (fn.physicalId === undefined || fn.physicalId === '' || where.account === undefined || where.region === undefined) return value === fn.physicalId && value !== undefined && value !== '';
    return value === fn.physicalId || value === `arn:aws:lambda:${where.region}:${where.account}:function:${fn.physicalId}`
      || new RegExp(`^arn:aws[a-z-]*:lambda:${escape(where.region)}:${where.account}:function:${escape(fn.physicalId)}$`).test(value);
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) && value.Ref === fn.logicalId && Object.keys(value).length === 1;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The FunctionName of another change of the same change set: its AfterContext, else its template entry. */
function functionNameOf(s: Subject, other: ResourceChangeModel, fromTemplate: boolean): Json | undefined {
  if (!fromTemplate) return after(other, 'FunctionName');
  const props = templateResource({ ...s, change: other })?.Properties;
  return props !== null && typeof props === 'object' && !Array.isArray(props) ? props.FunctionName : undefined;
}

/**
 * Whether another change (a version, an alias) is of this function: by the value the change set
 * gives (its AfterContext), and only when that value is not known until apply, by the template's Ref.
 */
function refersTo(s: Subject, other: ResourceChangeModel): boolean {
  const where = whereOf(s.changeSet.changeSetId);
  const concrete = functionNameOf(s, other, false);
  if (typeof concrete === 'string' && !isUnresolved(concrete)) return namesFunction(concrete, s.change, where);
  return namesFunction(functionNameOf(s, other, true), s.change, where);
}

function whereOf(changeSetId: string): { account?: string; region?: string } {
  const m = /^arn:[^:]+:cloudformation:([^:]+):(\d{12}):/.exec(changeSetId);
  return m ? { region: m[1], account: m[2] } : {};
}

export const lambdaCodeBehindAlias: LowShape = {
  id: 'lambda-code-behind-alias',
  title: `AWS::Lambda::Function: only settings a version captures change (${VERSIONED_SETTINGS.join(', ')}), and the same change set adds a version of it and moves its alias with CodeDeploy`,
  why: 'The new code and settings reach callers of the alias only through the new version, which CodeDeploy shifts traffic to under its alarms and hooks (the safe-deploy contract).',
  cite: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate',
  ],
  matches: (s: Subject) => {
    if (s.change.type !== 'AWS::Lambda::Function' || !inPlaceModify(s.change) || !onlyChanges(s, VERSIONED_SETTINGS)) return false;
    const same = s.changeSet.changes;
    const version = same.some((c) => c.type === 'AWS::Lambda::Version' && lambdaVersionAdded.matches({ ...s, change: c }) && refersTo(s, c));
    const alias = same.some((c) => c.type === 'AWS::Lambda::Alias' && aliasShiftedByCodeDeploy.matches({ ...s, change: c }) && refersTo(s, c));
    return version && alias;
  },
};
