import { Subject } from '../model/facts';
import { inPlaceModify, onlyChanges } from './common';
import { LowShape } from './shape';

/**
 * Types whose tags commonly decide access (attribute-based access control: principal tags of
 * IAM roles and users; aws:ResourceTag of KMS keys and secrets), so a tag change there is an
 * IAM change. https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/abac.html
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access-abac.html
 */
export const ABAC_TYPES: ReadonlySet<string> = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']);

export const tagsOnly: LowShape = {
  id: 'tags-only',
  title: 'Only Tags change, in place (not on IAM roles and users, KMS keys or secrets)',
  why: 'Tags label a resource; on the excluded types they commonly decide who may use it (attribute-based access control), so there they are reviewed as IAM.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-resource-tags.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html',
  ],
  matches: (s: Subject) => !ABAC_TYPES.has(s.change.type) && inPlaceModify(s.change) && onlyChanges(s, ['Tags']),
};
