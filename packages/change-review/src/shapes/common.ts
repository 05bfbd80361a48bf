/**
 * What every low shape of kind "Modify" requires first: a Resource change of an AWS type that
 * CloudFormation says it updates in place, every detail in values the review knows, no
 * attribute but Properties or Tags, and no drift.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
 */
import { ResourceChangeModel } from '../model/change-set';
import { changedAttributes, changedProperties, Subject } from '../model/facts';
import { isAwsType } from '../rules/known-values';

/** Drift statuses that say nothing was edited outside CloudFormation. */
const QUIET_DRIFT = new Set(['IN_SYNC', 'NOT_CHECKED']);

/** A Resource change of an AWS type, not from a module, with no drift. */
export function plainResource(c: ResourceChangeModel): boolean {
  return c.changeType === 'Resource' && c.hasResourceChange && isAwsType(c.type)
    && (c.driftStatus === undefined || QUIET_DRIFT.has(c.driftStatus));
}

/** A Modify in place: Replacement False, every detail Never / Static or Dynamic / Properties or Tags. */
export function inPlaceModify(c: ResourceChangeModel): boolean {
  return plainResource(c) && c.action === 'Modify' && c.replacement === 'False' && c.policyAction === undefined
    && c.details.length > 0 && c.scope.length > 0
    && c.before.state === 'ok' && c.after.state === 'ok'
    && c.scope.every((s) => s === 'Properties' || s === 'Tags')
    && [...changedAttributes(c)].every((a) => a === 'Tags')
    && c.details.every((d) => !d.noTarget
      && d.requiresRecreation === 'Never'
      && (d.evaluation === 'Static' || d.evaluation === 'Dynamic')
      && (d.attribute === 'Properties' || d.attribute === 'Tags'));
}

/** Whether the changed top-level properties are all among `allowed` (and there is at least one). */
export function onlyChanges(s: Subject, allowed: readonly string[]): boolean {
  const changed = changedProperties(s.change);
  return changed.size > 0 && [...changed].every((p) => allowed.includes(p));
}
