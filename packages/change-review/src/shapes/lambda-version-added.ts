import { Subject } from '../model/facts';
import { plainResource } from './common';
import { LowShape } from './shape';

const ALLOWED = ['FunctionName', 'Description', 'CodeSha256'];

export const lambdaVersionAdded: LowShape = {
  id: 'lambda-version-added',
  title: 'AWS::Lambda::Version added (FunctionName, Description, CodeSha256 only)',
  why: 'A version is an immutable snapshot of the function; it receives no traffic until an alias points to it, and moving the alias is reviewed on its own.',
  cite: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html',
  ],
  matches: (s: Subject) => s.change.type === 'AWS::Lambda::Version' && plainResource(s.change) && s.change.action === 'Add'
    && s.change.after.state === 'ok' && Object.keys(s.change.after.properties).every((k) => ALLOWED.includes(k)),
};
