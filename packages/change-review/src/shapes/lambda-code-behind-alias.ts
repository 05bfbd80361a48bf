import { Json, ResourceChangeModel } from '../model/change-set';
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

/** Whether a FunctionName value (name, ARN, or a template Ref) names this function. */
export function namesFunction(value: Json | undefined, fn: ResourceChangeModel): boolean {
  if (typeof value === 'string') {
    if (fn.physicalId === undefined || fn.physicalId === '') return false;
    return value === fn.physicalId || new RegExp(`^arn:[^:]+:lambda:[^:]+:\\d{12}:function:${escape(fn.physicalId)}$`).test(value);
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

function refersTo(s: Subject, other: ResourceChangeModel): boolean {
  return namesFunction(functionNameOf(s, other, false), s.change) || namesFunction(functionNameOf(s, other, true), s.change);
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
