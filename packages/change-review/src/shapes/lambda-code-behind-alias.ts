import { isUnresolved, Json, ResourceChangeModel } from '../model/change-set';
import { isJsonObject } from '../model/json';
import { after, before, Subject, templateResource } from '../model/facts';
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
export const VERSIONED_SETTINGS = ['Code', 'Description', 'Environment', 'Handler', 'MemorySize', 'Timeout', 'Runtime', 'TracingConfig', 'EphemeralStorage', 'Architectures'];

/**
 * Resource types that invoke a function they name. One that names the function itself (not an
 * alias or a version) sends its callers to $LATEST, which gets the new code at once.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html
 */
const INVOKERS = new Set([
  'AWS::Lambda::EventSourceMapping', 'AWS::Lambda::Url', 'AWS::Lambda::Permission', 'AWS::Events::Rule', 'AWS::SNS::Subscription',
  'AWS::ApiGateway::Method', 'AWS::ApiGatewayV2::Integration', 'AWS::Scheduler::Schedule', 'AWS::Pipes::Pipe', 'AWS::S3::Bucket',
  'AWS::Logs::SubscriptionFilter', 'AWS::IoT::TopicRule', 'AWS::AppSync::DataSource', 'AWS::Lambda::EventInvokeConfig',
]);

/** Whether a template resource of an invoking type refers to the function itself, unqualified. */
export function invokedUnqualified(s: Subject): boolean {
  const resources = s.changeSet.templateResources;
  if (resources === undefined) return true;
  const id = s.change.logicalId;
  const refersToFunction = (v: Json | undefined): boolean => {
    if (Array.isArray(v)) return v.some(refersToFunction);
    if (v === null || typeof v !== 'object') return false;
    if (v.Ref === id) return true;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[0] === id && getAtt[1] === 'Arn') return true;
    if (typeof getAtt === 'string' && getAtt === `${id}.Arn`) return true;
    return Object.values(v).some(refersToFunction);
  };
  return Object.values(resources).some((r) => r !== null && typeof r === 'object' && !Array.isArray(r)
    && typeof r.Type === 'string' && INVOKERS.has(r.Type) && refersToFunction(r.Properties));
}

/**
 * Whether a FunctionName value (name, ARN, or a template Ref) names this function: its physical
 * name, or its ARN in the change set's own account and Region.
 */
export function namesFunction(value: Json | undefined, fn: ResourceChangeModel, where: { account?: string; region?: string }): boolean {
  if (typeof value === 'string') {
    if (fn.physicalId === undefined || fn.physicalId === '' || where.account === undefined || where.region === undefined) return value === fn.physicalId && value !== undefined && value !== '';
    // eslint-disable-next-line @cdklabs/no-literal-partition -- the next alternative matches every partition's form
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
/**
 * Whether new code comes from where the old code came from: the same S3 bucket (only the key or
 * object version changes) or the same image repository (only the tag or digest changes). Code
 * from another bucket or registry is someone else's code, whatever traffic shifting does.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html
 */
export function codeFromSameSource(s: Subject): boolean {
  const b = before(s.change, 'Code');
  const a = after(s.change, 'Code');
  if (jsonEqualish(b, a)) return true;
  if (!isJsonObject(b) || !isJsonObject(a)) return false;
  if (typeof a.S3Bucket === 'string' || typeof b.S3Bucket === 'string') return a.S3Bucket === b.S3Bucket && typeof a.S3Bucket === 'string' && !isUnresolved(a.S3Bucket) && a.ImageUri === undefined;
  if (typeof a.ImageUri === 'string' && typeof b.ImageUri === 'string') return repository(a.ImageUri) === repository(b.ImageUri) && !isUnresolved(a.ImageUri);
  return false;
}

function repository(imageUri: string): string {
  return imageUri.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^:/]+$/, '');
}

function jsonEqualish(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

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
  title: `AWS::Lambda::Function: only settings a version captures change (${VERSIONED_SETTINGS.join(', ')}), the code comes from the same bucket or image repository as before, nothing in the template invokes the function unqualified ($LATEST), and the same change set adds a version of it and moves its alias with CodeDeploy`,
  why: 'The new code and settings reach callers of the alias only through the new version, which CodeDeploy shifts traffic to under its alarms and hooks (the safe-deploy contract).',
  cite: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate',
  ],
  matches: (s: Subject) => {
    if (s.change.type !== 'AWS::Lambda::Function' || !inPlaceModify(s.change) || !onlyChanges(s, VERSIONED_SETTINGS) || !codeFromSameSource(s) || invokedUnqualified(s)) return false;
    const same = s.changeSet.changes;
    const version = same.some((c) => c.type === 'AWS::Lambda::Version' && lambdaVersionAdded.matches({ ...s, change: c }) && refersTo(s, c));
    const alias = same.some((c) => c.type === 'AWS::Lambda::Alias' && aliasShiftedByCodeDeploy.matches({ ...s, change: c }) && refersTo(s, c));
    return version && alias;
  },
};
