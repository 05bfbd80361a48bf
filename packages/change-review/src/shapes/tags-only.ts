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
export const ABAC_TYPES: ReadonlySet<string> = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Lambda::Function']);

/**
 * Template resources that select other resources by their tags (AWS Backup selections, resource
 * groups): a tag change may take a resource out of a backup plan or into a group.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
 */
const TAG_SELECTORS = new Set(['AWS::Backup::BackupSelection', 'AWS::ResourceGroups::Group']);

function selectsByTag(s: Subject): boolean {
  const resources = s.changeSet.templateResources;
  if (resources === undefined) return true;
  return Object.values(resources).some((r) => r !== null && typeof r === 'object' && !Array.isArray(r) && typeof r.Type === 'string' && TAG_SELECTORS.has(r.Type));
}

export const tagsOnly: LowShape = {
  id: 'tags-only',
  title: 'Only Tags change, in place (not on IAM roles and users, KMS keys, secrets or Lambda functions), and the template (given) selects nothing by tag (no AWS Backup selection, no resource group)',
  why: 'Tags label a resource; on the excluded types they commonly decide who may use it (attribute-based access control), so there they are reviewed as IAM; a template that selects by tag could lose a resource from its backup plan.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-resource-tags.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/attribute-based-access-control.html',
    'https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html',
  ],
  matches: (s: Subject) => !ABAC_TYPES.has(s.change.type) && inPlaceModify(s.change) && onlyChanges(s, ['Tags']) && !selectsByTag(s),
};
