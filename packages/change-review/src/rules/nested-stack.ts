import { ref, Subject } from '../model/facts';
import { Msg, msg, words } from '../model/text';
import { Rule } from './rule';

const NESTED_STACK = 'AWS::CloudFormation::Stack';

/**
 * A nested stack's own changes are in its nested change set (ResourceChange.ChangeSetId); the
 * review reads them only when the caller gives them.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html
 */
export const nestedUnreviewedRule: Rule = {
  id: 'nested-stack-not-reviewed',
  category: 'unreviewed',
  summary: 'A nested stack changes, but its nested change set was not given, could not be read, or is not complete: its changes were not reviewed.',
  cite: ['https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html'],
  check: (s: Subject): Msg[] => {
    if (s.change.type !== NESTED_STACK || s.change.action === 'Remove') return [];
    const read = s.changeSet.nested.get(s.change.logicalId);
    if (read === undefined) {
      return [s.change.nestedChangeSetId !== undefined
        ? msg`${ref(s)}${words(': its nested change set ')}${s.change.nestedChangeSetId}${words(' was not read, so the changes inside it were not reviewed.')}`
        : msg`${ref(s)}${words(': the change set names no nested change set for it, so the changes inside it were not reviewed.')}`];
    }
    if (!read.ok) return [msg`${ref(s)}${words(': its nested change set could not be reviewed: ')}${read.why}`];
    return [];
  },
};

/** Removing a nested stack deletes every resource in it, and the parent change set does not list them. */
export const nestedRemovedRule: Rule = {
  id: 'nested-stack-removed',
  category: 'data-loss',
  summary: 'A nested stack is removed: every resource in it is deleted (or retained), and the change set does not list them.',
  cite: ['https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html'],
  check: (s: Subject): Msg[] => {
    if (s.change.type !== NESTED_STACK || s.change.action !== 'Remove') return [];
    return [s.change.policyAction === 'Retain'
      ? msg`${ref(s)}${words(' is removed but retained (PolicyAction Retain): its resources stay, no longer managed by this stack.')}`
      : msg`${ref(s)}${words(' is removed: every resource in that nested stack is deleted, and the change set does not list them.')}`];
  },
};
