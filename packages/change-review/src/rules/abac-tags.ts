import { changedProperties, ref, Subject } from '../model/facts';
import { Msg, msg, words } from '../model/text';
import { ABAC_TYPES } from '../shapes/tags-only';
import { Rule } from './rule';

export const abacTagsRule: Rule = {
  id: 'abac-tags',
  category: 'iam',
  summary: 'Tags change on an IAM role or user, a KMS key or a secret, where tags commonly decide access (aws:PrincipalTag, aws:ResourceTag).',
  cite: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/abac.html',
  ],
  check: (s: Subject): Msg[] => {
    if (!ABAC_TYPES.has(s.change.type) || s.change.action !== 'Modify') return [];
    const tags = changedProperties(s.change).has('Tags') || s.change.scope.includes('Tags');
    return tags ? [msg`${ref(s)}${words(': its tags change; policies that test aws:PrincipalTag or aws:ResourceTag may now grant or deny differently.')}`] : [];
  },
};
