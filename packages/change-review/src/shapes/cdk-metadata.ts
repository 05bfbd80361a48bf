import { Subject } from '../model/facts';
import { plainResource } from './common';
import { LowShape } from './shape';

export const cdkMetadata: LowShape = {
  id: 'cdk-metadata',
  title: 'AWS::CDK::Metadata added, changed or removed',
  why: 'It holds only the CDK\'s version-reporting data (which construct libraries synthesized the stack); nothing reads it at run time.',
  cite: ['https://docs.aws.amazon.com/cdk/v2/guide/usage-data.html'],
  matches: (s: Subject) => s.change.type === 'AWS::CDK::Metadata' && plainResource(s.change)
    && ['Add', 'Remove', 'Modify'].includes(s.change.action) && (s.change.action !== 'Modify' || s.change.replacement === 'False'),
};
