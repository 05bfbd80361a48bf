/**
 * Drift: resources changed outside CloudFormation. Two sources:
 * - the stack's drift detection (DetectStackDrift, then DescribeStackResourceDrifts), given by
 *   the caller as `drifts`: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceDrift.html
 * - a drift-aware change set (CreateChangeSet with DeploymentMode REVERT_DRIFT), whose changes
 *   carry ResourceDriftStatus and whose details carry Target.Drift (PreviousValue, ActualValue):
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/drift-aware-change-sets.html
 * An ordinary change set is computed against the last deployed template, not the actual
 * resource: it sets the properties it changes to the template's values (a console edit to them
 * is overwritten) and leaves the other drifted properties as they are (the edit is kept,
 * unmanaged). https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html
 */
import { UnreviewableChangeSet } from './errors';

/** One drifted resource of the stack. */
export interface ResourceDrift {
  readonly logicalId: string;
  /** MODIFIED | DELETED | IN_SYNC | NOT_CHECKED | UNKNOWN | UNSUPPORTED */
  readonly status: string;
  /** Property paths that differ (PropertyDifferences[].PropertyPath). */
  readonly paths: readonly string[];
}

export type Drifts = { readonly state: 'absent' } | { readonly state: 'unreadable'; readonly why: string } | { readonly state: 'read'; readonly drifts: readonly ResourceDrift[] };

export function readDrifts(raw: unknown, problem: unknown): Drifts {
  if (problem !== undefined && problem !== null) {
    if (typeof problem !== 'string') throw new UnreviewableChangeSet('the input\'s "driftProblem" is not a string');
    return { state: 'unreadable', why: problem };
  }
  if (raw === undefined || raw === null) return { state: 'absent' };
  if (!Array.isArray(raw)) throw new UnreviewableChangeSet('the input\'s "drifts" is not a list of DescribeStackResourceDrifts StackResourceDrifts');
  return {
    state: 'read',
    drifts: raw.map((d, i) => {
      if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new UnreviewableChangeSet(`drifts[${i}] is not an object`);
      const r = d as { [key: string]: unknown };
      if (typeof r.LogicalResourceId !== 'string' || typeof r.StackResourceDriftStatus !== 'string') {
        throw new UnreviewableChangeSet(`drifts[${i}] has no LogicalResourceId and StackResourceDriftStatus strings`);
      }
      const diffs = Array.isArray(r.PropertyDifferences) ? r.PropertyDifferences : [];
      return {
        logicalId: r.LogicalResourceId,
        status: r.StackResourceDriftStatus,
        paths: diffs.map((p) => (typeof p === 'object' && p !== null && typeof (p as { PropertyPath?: unknown }).PropertyPath === 'string' ? (p as { PropertyPath: string }).PropertyPath : '?')),
      };
    }),
  };
}
