import { Subject } from '../model/facts';
import { plainResource } from './common';
import { LowShape } from './shape';

export const lambdaVersionRetained: LowShape = {
  id: 'lambda-version-retained',
  title: 'AWS::Lambda::Version removed from the stack with PolicyAction Retain',
  why: 'CloudFormation stops managing the old version but keeps it (DeletionPolicy Retain; the CDK deletes replaced versions unless told to retain them), so an alias or a rollback can still use it.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html',
  ],
  matches: (s: Subject) => s.change.type === 'AWS::Lambda::Version' && plainResource(s.change)
    && s.change.action === 'Remove' && s.change.policyAction === 'Retain',
};
