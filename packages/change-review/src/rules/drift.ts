import { ref, Subject } from '../model/facts';
import { join, Msg, msg, valueList, words } from '../model/text';
import { Rule } from './rule';

/**
 * A resource edited outside CloudFormation that the change set modifies, replaces or removes:
 * the edit is about to be overwritten (or lost with the resource), or kept unmanaged. Read from
 * the stack's drift detection and from a drift-aware change set.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/drift-aware-change-sets.html
 */
export const driftRule: Rule = {
  id: 'drifted-resource-changes',
  category: 'drift',
  summary: 'A resource that drifted (edited outside CloudFormation, per the stack\'s drift detection or a drift-aware change set) is modified, replaced or removed: the edit is overwritten, lost, or kept unmanaged.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/drift-aware-change-sets.html',
  ],
  check: (s: Subject): Msg[] => {
    if (s.change.action === 'Add') return [];
    const out: Msg[] = [];
    const drifts = s.changeSet.drifts;
    const found = drifts.state === 'read' ? drifts.drifts.find((d) => d.logicalId === s.change.logicalId) : undefined;
    if (found !== undefined && (found.status === 'MODIFIED' || found.status === 'DELETED')) {
      const paths = found.paths.length > 0 ? msg`${words(' (')}${valueList(found.paths)}${words(')')}` : msg``;
      out.push(found.status === 'DELETED'
        ? msg`${ref(s)}${words(': drift detection found it deleted outside CloudFormation; the change set still acts on it.')}`
        : msg`${ref(s)}${words(': it was edited outside CloudFormation')}${paths}${words('; the properties this change set sets are overwritten with the template\'s values, the other edits stay unmanaged.')}`);
    }
    const drifted = s.change.details.filter((d) => d.drifted).map((d) => d.path ?? d.name ?? '?');
    if (drifted.length > 0) out.push(msg`${ref(s)}${words(': the drift-aware change set shows properties edited outside CloudFormation: ')}${join(drifted.map((p) => msg`${p}`), ', ')}${words(' (their actual values are reverted to the template\'s).')}`);
    return out;
  },
};
