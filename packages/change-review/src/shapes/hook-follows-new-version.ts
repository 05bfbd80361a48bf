import { after, before, jsonEqual, Subject } from '../model/facts';
import { isJsonObject, refOf } from '../model/json';
import { inPlaceModify, onlyChanges } from './common';
import { causedByNewVersion, isVersionArnOf, KNOWN_AFTER_APPLY, releaseOf, templateFunctionRef } from './follows-new-version';
import { LowShape } from './shape';

/** The functions whose alias names this function as its BeforeAllowTrafficHook or AfterAllowTrafficHook. */
function hookedFunctions(s: Subject): string[] {
  const out: string[] = [];
  for (const r of Object.values(s.changeSet.templateResources ?? {})) {
    if (!isJsonObject(r) || r.Type !== 'AWS::Lambda::Alias') continue;
    const u = isJsonObject(r.UpdatePolicy) ? r.UpdatePolicy.CodeDeployLambdaAliasUpdate : undefined;
    if (!isJsonObject(u)) continue;
    const hooks = [u.BeforeAllowTrafficHook, u.AfterAllowTrafficHook].map(refOf);
    const fn = templateFunctionRef(r);
    if (hooks.includes(s.change.logicalId) && fn !== undefined) out.push(fn);
  }
  return out;
}

/**
 * Every environment variable keeps its value but those that held a version ARN of the released
 * function and now hold the version the change set adds (Ref of the new AWS::Lambda::Version).
 */
function retargeted(s: Subject): boolean {
  const fns = [...new Set(hookedFunctions(s))];
  if (fns.length !== 1) return false;
  const release = releaseOf(s, fns[0]);
  if (release === undefined || !causedByNewVersion(s, release, '')) return false;
  const b = before(s.change, 'Environment');
  const a = after(s.change, 'Environment');
  if (!isJsonObject(b) || !isJsonObject(a) || Object.keys(b).length !== 1 || Object.keys(a).length !== 1) return false;
  const bv = b.Variables;
  const av = a.Variables;
  if (!isJsonObject(bv) || !isJsonObject(av)) return false;
  const keys = Object.keys(av);
  if (keys.length !== Object.keys(bv).length || keys.some((k) => !Object.prototype.hasOwnProperty.call(bv, k))) return false;
  let moved = 0;
  for (const k of keys) {
    if (jsonEqual(av[k], bv[k])) continue;
    if (av[k] !== KNOWN_AFTER_APPLY || !isVersionArnOf(bv[k], release.functionName)) return false;
    moved++;
  }
  return moved > 0;
}

export const hookFollowsNewVersion: LowShape = {
  id: 'hook-follows-new-version',
  title: 'AWS::Lambda::Function that the template names as a CodeDeploy traffic hook of an alias: only environment variables that held a version ARN of the alias\'s function change, to the version of it the same change set adds and moves the alias to with CodeDeploy',
  why: 'The hook keeps its code and checks and now tests the new version before (or after) traffic reaches it: this is how a hook follows a release.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate',
    'https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html#aws-resource-lambda-version-return-values',
  ],
  matches: (s: Subject) => s.change.type === 'AWS::Lambda::Function' && inPlaceModify(s.change) && onlyChanges(s, ['Environment']) && retargeted(s),
};
