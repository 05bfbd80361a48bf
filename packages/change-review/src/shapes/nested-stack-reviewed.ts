import { Subject } from '../model/facts';
import { inPlaceModify, onlyChanges } from './common';
import { LowShape } from './shape';

export const nestedStackReviewed: LowShape = {
  id: 'nested-stack-reviewed',
  title: 'AWS::CloudFormation::Stack: only TemplateURL and Parameters change, and its nested change set was read and reviewed change by change',
  why: 'The nested stack\'s own changes are in its nested change set; each of them is reviewed like a change of the top stack.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html',
  ],
  matches: (s: Subject) => s.change.type === 'AWS::CloudFormation::Stack' && inPlaceModify(s.change)
    && onlyChanges(s, ['TemplateURL', 'Parameters']) && s.changeSet.nested.get(s.change.logicalId)?.ok === true,
};
