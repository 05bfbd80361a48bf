import { dataLossReason } from '../data/data-bearing';
import { ref, Subject } from '../model/facts';
import { Msg, msg, words } from '../model/text';
import { Rule } from './rule';

/**
 * A resource removed from the stack. PolicyAction says what CloudFormation does with it:
 * Delete, Retain (kept, no longer managed) or Snapshot (snapshotted, then deleted).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 */
export const removalRule: Rule = {
  id: 'data-removed',
  category: 'data-loss',
  summary: 'A resource of a type not known to be stateless is removed: deleted, snapshotted then deleted, or retained outside the stack.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html',
  ],
  check: (s: Subject): Msg[] => {
    if (s.change.action !== 'Remove' || s.change.type === 'AWS::CloudFormation::Stack') return [];
    const why = dataLossReason(s.change.type);
    if (why === undefined) return [];
    const r = ref(s);
    switch (s.change.policyAction) {
      case 'Retain':
        return [msg`${r}${words(` is removed from the stack and retained (PolicyAction Retain): its data stays, no longer managed by the stack, and a later deployment may create an empty one in its place (${why}).`)}`];
      case 'Snapshot':
        return [msg`${r}${words(` is deleted after a final snapshot (PolicyAction Snapshot): ${why}; only the snapshot keeps the data.`)}`];
      default:
        return [msg`${r}${words(` is deleted: ${why}.`)}`];
    }
  },
};
