import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CrossAccountDeploymentRoles } from '@crosswalk/cross-account-role';
import { BUILD, DEV, PROD, REGION, naming, newApp, synthPipeline } from './fixtures';

const list = (value: any): any[] => (value === undefined ? [] : [].concat(value));

describe('failure notifier', () => {
  const { stack } = synthPipeline();
  const template = Template.fromStack(stack);
  const [roleId, role] = Object.entries<any>(template.findResources('AWS::IAM::Role', { Properties: { RoleName: naming.failureNotifierRoleName } }))[0];
  const statements: any[] = [
    ...role.Properties.Policies.flatMap((p: any) => p.Properties?.PolicyDocument?.Statement ?? p.PolicyDocument.Statement),
    ...Object.values<any>(template.findResources('AWS::IAM::Policy'))
      .filter((p) => list(p.Properties.Roles).some((r: any) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement),
  ];
  const resourcesOf = (action: string) => statements.filter((s) => list(s.Action).includes(action)).flatMap((s) => list(s.Resource));
  const topicId = template.getResourceId('AWS::SNS::Topic', { Properties: { DisplayName: 'Crosswalk-pipeline notifications' } });
  const keyId = template.getResourceId('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } });

  test('reads only what names a failure: this pipeline\'s action executions, its builds and test reports, the targets\' read-only roles', () => {
    expect(resourcesOf('codepipeline:ListActionExecutions')).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:codepipeline:${REGION}:${BUILD}:Crosswalk-pipeline`]] },
    ]);
    const projects = Object.keys(template.findResources('AWS::CodeBuild::Project'));
    expect(resourcesOf('codebuild:BatchGetBuilds')).toEqual(projects.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })));
    const reportGroups = Object.keys(template.findResources('AWS::CodeBuild::ReportGroup'));
    expect(resourcesOf('codebuild:DescribeTestCases')).toEqual(reportGroups.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })));
    expect(resourcesOf('sts:AssumeRole')).toEqual([naming.readOnlyRoleArn(DEV), naming.readOnlyRoleArn(PROD)]);
    // No deploy rights anywhere: nothing that changes a stack, a deployment or a pipeline.
    const actions = statements.flatMap((s) => list(s.Action));
    expect(actions.filter((a) => /^(cloudformation|codedeploy|codepipeline):(Create|Update|Delete|Execute|Stop|Put|Start)/.test(a))).toEqual([]);
  });

  test('publishes only to the notification topic, encrypted with its key, which the key policy lets the account\'s IAM policies use', () => {
    expect(new Set(resourcesOf('sns:Publish').map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ Ref: topicId })]));
    expect(resourcesOf('kms:GenerateDataKey')).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }]);
    expect(resourcesOf('kms:Decrypt')).toContainEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    // The key policy delegates to the account's IAM policies (how the notifier's role is let in):
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
    const keyPolicy = template.findResources('AWS::KMS::Key')[keyId].Properties.KeyPolicy.Statement;
    expect(keyPolicy).toContainEqual(expect.objectContaining({
      Effect: 'Allow', Action: 'kms:*', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${BUILD}:root`]] } },
    }));
  });

  test('an event the function cannot handle still reaches the topic: Lambda\'s failure destination is the same topic', () => {
    const fnId = template.getResourceId('AWS::Lambda::Function', { Properties: { Role: { 'Fn::GetAtt': [roleId, 'Arn'] } } });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { Ref: topicId } } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { TOPIC_ARN: { Ref: topicId }, READ_ONLY_ROLE_NAME: naming.readOnlyRoleName, PARTITION: 'aws' } },
    });
  });

  test('both sides line up: each target account\'s read-only role trusts exactly the role the notifier runs as', () => {
    for (const account of [DEV, PROD]) {
      const targetStack = new Stack(newApp(), 'Roles', { env: { account, region: REGION } });
      new CrossAccountDeploymentRoles(targetStack, 'Roles', { naming, buildAccountId: BUILD });
      const [readOnly] = Object.values<any>(Template.fromStack(targetStack).findResources('AWS::IAM::Role', { Properties: { RoleName: naming.readOnlyRoleName } }));
      expect(readOnly.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnEquals['aws:PrincipalArn'])
        .toContain(`arn:aws:iam::${BUILD}:role/${role.Properties.RoleName}`);
    }
  });
});
