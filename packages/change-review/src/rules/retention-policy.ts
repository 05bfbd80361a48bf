import { changedAttributes, ref, Subject } from '../model/facts';
import { Msg, msg, words } from '../model/text';
import { Rule } from './rule';

/**
 * DeletionPolicy and UpdateReplacePolicy decide whether a later deletion or replacement keeps
 * the data; the change set shows their change as Scope / Target.Attribute.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html
 */
export const retentionPolicyRule: Rule = {
  id: 'deletion-policy-changed',
  category: 'data-loss',
  summary: 'DeletionPolicy or UpdateReplacePolicy changes (e.g. Retain to Delete): a later deletion or replacement may no longer keep the data.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html',
  ],
  check: (s: Subject): Msg[] => {
    const attrs = new Set<string>();
    for (const a of changedAttributes(s.change)) if (a === 'DeletionPolicy' || a === 'UpdateReplacePolicy') attrs.add(a);
    for (const d of s.change.details) if (d.attribute === 'DeletionPolicy' || d.attribute === 'UpdateReplacePolicy') attrs.add(d.attribute);
    return [...attrs].map((a) => {
      const d = s.change.details.find((x) => x.attribute === a);
      const values = d && (d.before !== undefined || d.after !== undefined) ? msg`${words(' from ')}${d.before ?? '(default)'}${words(' to ')}${d.after ?? '(default)'}` : msg``;
      return msg`${ref(s)}${words(`: its ${a} changes`)}${values}${words('; a later deletion or replacement may no longer keep its data.')}`;
    });
  },
};
