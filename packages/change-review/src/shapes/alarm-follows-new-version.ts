import { Json } from '../model/change-set';
import { after, before, jsonEqual, Subject } from '../model/facts';
import { inPlaceModify, onlyChanges } from './common';
import { causedByNewVersion, KNOWN_AFTER_APPLY, Release, releaseOf, templateFunctionRef } from './follows-new-version';
import { LowShape } from './shape';

interface Dimension { readonly name: string; readonly value: Json }

function dimensions(v: Json | undefined): Dimension[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Dimension[] = [];
  for (const d of v) {
    if (d === null || typeof d !== 'object' || Array.isArray(d) || typeof d.Name !== 'string' || d.Value === undefined || Object.keys(d).length !== 2) return undefined;
    out.push({ name: d.Name, value: d.Value });
  }
  return out;
}

/**
 * The alarm watches the function's errors by version (AWS/Lambda dimensions FunctionName,
 * Resource, ExecutedVersion): only ExecutedVersion moves, from a version number to the new
 * version, and FunctionName names the released function.
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
function retargeted(s: Subject): Release | undefined {
  const b = dimensions(before(s.change, 'Dimensions'));
  const a = dimensions(after(s.change, 'Dimensions'));
  if (b === undefined || a === undefined || b.length !== a.length) return undefined;
  const fn = a.find((d) => d.name === 'FunctionName');
  if (fn === undefined || typeof fn.value !== 'string' || a.filter((d) => d.name === 'FunctionName' || d.name === 'ExecutedVersion').length !== 2) return undefined;
  let moved = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i].name !== b[i].name) return undefined;
    if (jsonEqual(a[i].value, b[i].value)) continue;
    if (a[i].name !== 'ExecutedVersion' || a[i].value !== KNOWN_AFTER_APPLY || typeof b[i].value !== 'string' || !/^\d+$/.test(b[i].value as string)) return undefined;
    moved++;
  }
  if (moved !== 1) return undefined;
  // The released function, found by the template: the Version the new value comes from names it.
  const fnIds = new Set<string>();
  for (const d of s.change.details) {
    const m = d.changeSource === 'ResourceAttribute' && typeof d.causingEntity === 'string' ? /^([A-Za-z0-9]+)\.Version$/.exec(d.causingEntity) : null;
    const ref = m ? templateFunctionRef(s.changeSet.templateResources?.[m[1]]) : undefined;
    if (ref !== undefined) fnIds.add(ref);
  }
  if (fnIds.size !== 1) return undefined;
  const release = releaseOf(s, [...fnIds][0]);
  return release !== undefined && release.functionName === fn.value && causedByNewVersion(s, release, '.Version') ? release : undefined;
}

export const alarmFollowsNewVersion: LowShape = {
  id: 'alarm-follows-new-version',
  title: 'AWS::CloudWatch::Alarm: only the ExecutedVersion dimension changes, to the version of the released function (FunctionName dimension) that the same change set adds, whose alias it moves with CodeDeploy',
  why: 'The alarm keeps its metric, threshold and actions and watches the new version, which is what takes traffic during the shift: this is how a per-version errors alarm follows a release.',
  cite: [
    'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html#aws-resource-lambda-version-return-values',
  ],
  matches: (s: Subject) => s.change.type === 'AWS::CloudWatch::Alarm' && inPlaceModify(s.change) && onlyChanges(s, ['Dimensions']) && retargeted(s) !== undefined,
};
