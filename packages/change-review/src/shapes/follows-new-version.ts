/**
 * What a release re-targets at the version it publishes: a traffic hook's target and an alarm's
 * ExecutedVersion dimension move from the old version to the new one. Proven from the change set
 * and the template: the new value is the added version of the SAME function, whose alias this
 * change set moves with CodeDeploy; every other value stays as it was.
 *
 * A value CloudFormation learns only while creating another resource of the change set is
 * `{{changeSet:KNOWN_AFTER_APPLY}}`, with ChangeSource ResourceAttribute and the causing
 * resource (and attribute) as CausingEntity.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
 * Ref of an AWS::Lambda::Version is its ARN (`…:function:<name>:<number>`), GetAtt Version its number.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html#aws-resource-lambda-version-return-values
 */
import { Json, ResourceChangeModel } from '../model/change-set';
import { Subject, templateResource } from '../model/facts';
import { isJsonObject, refOf } from '../model/json';
import { aliasShiftedByCodeDeploy } from './alias-shifted-by-codedeploy';
import { lambdaVersionAdded } from './lambda-version-added';

export const KNOWN_AFTER_APPLY = '{{changeSet:KNOWN_AFTER_APPLY}}';

/** A function of the template that this change set releases: a version of it added, its alias moved by CodeDeploy. */
export interface Release {
  /** The function's logical id. */
  readonly functionId: string;
  /** Its physical name, from its own change in this change set. */
  readonly functionName: string;
  /** The logical ids of the versions of it this change set adds. */
  readonly versions: ReadonlySet<string>;
  /** The logical ids of its aliases this change set moves with CodeDeploy. */
  readonly aliases: ReadonlySet<string>;
}

/** The function a template resource names by `FunctionName: { Ref }`. */
export function templateFunctionRef(resource: Json | undefined): string | undefined {
  return isJsonObject(resource) && isJsonObject(resource.Properties) ? refOf(resource.Properties.FunctionName) : undefined;
}

function functionRefOf(s: Subject, c: ResourceChangeModel): string | undefined {
  return templateFunctionRef(templateResource({ ...s, change: c }));
}

/** The release of function `functionId` in this change set, if it has one (never guessed). */
export function releaseOf(s: Subject, functionId: string): Release | undefined {
  const resources = s.changeSet.templateResources;
  const fnEntry = resources?.[functionId];
  if (!isJsonObject(fnEntry) || fnEntry.Type !== 'AWS::Lambda::Function') return undefined;
  const fnChanges = s.changeSet.changes.filter((c) => c.logicalId === functionId && c.type === 'AWS::Lambda::Function' && c.stackPath.length === s.change.stackPath.length);
  if (fnChanges.length !== 1 || fnChanges[0].action !== 'Modify' || typeof fnChanges[0].physicalId !== 'string' || fnChanges[0].physicalId === '') return undefined;
  const same = s.changeSet.changes.filter((c) => c.stackPath.join('/') === s.change.stackPath.join('/'));
  const versions = same.filter((c) => c.type === 'AWS::Lambda::Version' && lambdaVersionAdded.matches({ ...s, change: c }) && functionRefOf(s, c) === functionId);
  const aliases = same.filter((c) => c.type === 'AWS::Lambda::Alias' && aliasShiftedByCodeDeploy.matches({ ...s, change: c }) && functionRefOf(s, c) === functionId);
  if (versions.length === 0 || aliases.length === 0) return undefined;
  return { functionId, functionName: fnChanges[0].physicalId, versions: new Set(versions.map((c) => c.logicalId)), aliases: new Set(aliases.map((c) => c.logicalId)) };
}

/**
 * Whether every detail of the change that CloudFormation resolves from another resource names a
 * version the release adds (`<Version>` for Ref, `<Version>.Version` for GetAtt), and at least one does.
 */
export function causedByNewVersion(s: Subject, release: Release, attribute: '' | '.Version'): boolean {
  const caused = s.change.details.filter((d) => d.changeSource === 'ResourceAttribute');
  return caused.length > 0 && s.change.details.every((d) => d.changeSource === 'DirectModification' || d.changeSource === 'ResourceAttribute')
    && caused.every((d) => typeof d.causingEntity === 'string' && d.causingEntity.endsWith(attribute)
      && release.versions.has(attribute === '' ? d.causingEntity : d.causingEntity.slice(0, -attribute.length)));
}

/** The version ARN of `functionName` (number qualifier), as Ref of an AWS::Lambda::Version gives it. */
export function isVersionArnOf(value: Json | undefined, functionName: string): boolean {
  if (typeof value !== 'string') return false;
  const m = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+):(\d+)$/.exec(value);
  return m !== null && m[1] === functionName;
}
