import { App, Arn, ArnFormat, CfnParameter, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DeployRules } from '../src';
import { runChecks } from '../src/private/checks';

/**
 * CW10 against small CDK stacks: every action exists, and an action scoped to resources is
 * scoped to a resource type it authorizes on (or, without one, to "*").
 */

const ENV = { account: '111111111111', region: 'eu-west-1' };

function newStack(): Stack {
  return new Stack(new App({ builtinCloudFormationValidation: false }), 'Service', { env: ENV });
}

/** A role whose default policy holds the statement. */
function roleWith(stack: Stack, statement: iam.PolicyStatement): iam.Role {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(statement);
  return role;
}

function findings(stack: Stack) {
  const template = Template.fromStack(stack).toJSON();
  return runChecks([{ stackName: stack.stackName, templatePath: `/cdk.out/${stack.stackName}.template.json`, ...ENV, template }], ['CW10']);
}
const messages = (stack: Stack) => findings(stack).map((f) => f.message);

describe('CW10 actions exist', () => {
  test('fails for a made-up action, naming the stack, the resource, the statement and a close match', () => {
    const stack = newStack();
    roleWith(stack, new iam.PolicyStatement({ sid: 'ReadOrders', actions: ['dynamodb:GetItem', 'dynamodb:GetItemz'], resources: ['*'] }));
    const found = findings(stack);
    expect(found.map((f) => [f.resource.logicalId, f.location])).toEqual([['RoleDefaultPolicy5FFB7DAB', 'Properties/PolicyDocument/Statement/0']]);
    expect(found[0].message).toMatch(/^stack Service, RoleDefaultPolicy5FFB7DAB statement 'ReadOrders': dynamodb:GetItemz is not an action of dynamodb in the Service Authorization Reference/);
    expect(found[0].message).toContain('did you mean dynamodb:getitem?');
  });

  test('fails for an unknown service prefix, a wildcard that matches no action, and a typo in a trust policy or NotAction', () => {
    const stack = newStack();
    new iam.Role(stack, 'Trusted', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
      .assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRol'], principals: [new iam.AccountRootPrincipal()] }));
    roleWith(stack, new iam.PolicyStatement({ actions: ['dynamobd:GetItem', 's3:Fetch*'], resources: ['*'] }));
    new iam.ManagedPolicy(stack, 'Deny', { statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, notActions: ['s3:GetObjectt'], resources: ['*'] })] });
    const found = messages(stack);
    expect(found).toHaveLength(4);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/statement #1: sts:AssumeRol is not an action of sts .* did you mean sts:assumerole\?/),
      expect.stringContaining('action dynamobd:GetItem has service prefix \'dynamobd\', which no service of the Service Authorization Reference'),
      expect.stringContaining('action s3:Fetch* matches no action of s3'),
      expect.stringMatching(/Deny.* s3:GetObjectt is not an action of s3 .* the statement denies nothing through it/),
    ]));
  });

  test('passes for actions written in any case, wildcards that match, and "*" alone', () => {
    const stack = newStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['S3:getobject', 'dynamodb:Get*', 'ec2:Describe*', '*'], resources: ['*'] }));
    expect(messages(stack)).toEqual([]);
  });
});

describe('CW10 actions are scoped to resource types they authorize on', () => {
  test('fails for s3:GetObject on a bucket ARN instead of its objects, and says where the fix points', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    roleWith(stack, new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.bucketArn] }));
    const [message, ...rest] = messages(stack);
    expect(rest).toEqual([]);
    expect(message).toContain('s3:GetObject on ${Bucket83908E77.Arn}: it authorizes on ');
    expect(message).toContain('arn:${Partition}:s3:::${BucketName}/${ObjectName}');
    expect(message).toContain('the statement never allows it, so the call is denied; fix: scope it to an ARN of one of those types');
  });

  test('passes for s3:GetObject on the objects and s3:ListBucket on the bucket; fails for ListBucket on the objects', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const role = roleWith(stack, new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    expect(messages(stack)).toEqual([]);
    const wrong = newStack();
    roleWith(wrong, new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::literal-bucket/*'] }));
    expect(messages(wrong)).toEqual([expect.stringContaining('s3:ListBucket on arn:aws:s3:::literal-bucket/*: it authorizes on')]);
  });

  test('fails for cloudwatch:DescribeAlarms on an alarm name prefix, and passes on alarm:* or an alarm named exactly', () => {
    const prefixed = newStack();
    const alarmArn = (stack: Stack, name: string) => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    roleWith(prefixed, new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarmArn(prefixed, 'MyApp-*')] }));
    const [message] = messages(prefixed);
    expect(message).toContain('cloudwatch:DescribeAlarms on arn:${AWS::Partition}:cloudwatch:eu-west-1:111111111111:alarm:MyApp-*: AWS evaluates it called with AlarmNamePrefix or without AlarmNames against arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*, which');
    expect(message).toContain('https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html');

    const everything = newStack();
    roleWith(everything, new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarmArn(everything, '*')] }));
    expect(messages(everything)).toEqual([]);

    const exact = newStack();
    const alarm = new cloudwatch.Alarm(exact, 'Errors', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1 });
    roleWith(exact, new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarm.alarmArn] }));
    expect(messages(exact)).toEqual([]);
  });

  test('fails for logs:DescribeLogGroups on a log group prefix, and passes on log-group:*', () => {
    const prefixed = newStack();
    roleWith(prefixed, new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: ['arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/*'] }));
    expect(messages(prefixed)).toEqual([expect.stringContaining('against arn:aws:logs:eu-west-1:111111111111:log-group::log-stream:, which')]);
    const all = newStack();
    roleWith(all, new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: ['arn:aws:logs:eu-west-1:111111111111:log-group:*'] }));
    expect(messages(all)).toEqual([]);
  });

  test('fails for sts:GetCallerIdentity scoped to a role ARN: it has no resource type, so AWS evaluates it against "*"', () => {
    const stack = newStack();
    const target = new iam.Role(stack, 'Target', { assumedBy: new iam.AccountRootPrincipal() });
    roleWith(stack, new iam.PolicyStatement({ actions: ['sts:GetCallerIdentity'], resources: [target.roleArn] }));
    expect(messages(stack)).toEqual([expect.stringMatching(/sts:GetCallerIdentity on \$\{Target\w+\.Arn\}: it has no resource type in the Service Authorization Reference, so AWS evaluates it against "\*"/)]);
  });

  test('passes for dynamodb:GetItem on a table ARN', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    roleWith(stack, new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn, `${table.tableArn}/index/*`] }));
    expect(messages(stack)).toEqual([]);
  });

  test('fails for codedeploy:StopDeployment on a deployment group, citing both AWS pages', () => {
    const stack = newStack();
    const group = new codedeploy.ServerDeploymentGroup(stack, 'Group');
    roleWith(stack, new iam.PolicyStatement({ actions: ['codedeploy:StopDeployment', 'codedeploy:GetDeployment'], resources: [group.deploymentGroupArn] }));
    const [message, ...rest] = messages(stack);
    expect(rest).toEqual([]);
    expect(message).toContain('codedeploy:StopDeployment on arn:${AWS::Partition}:codedeploy:eu-west-1:111111111111:deploymentgroup:');
    expect(message).toContain('AWS evaluates it against "*"');
    expect(message).toContain('https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html');
    expect(message).toContain('https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html');
  });

  test('a Deny scoped to the wrong type fails as a deny that never applies; NotResource and unreadable resources are left alone', () => {
    const stack = newStack();
    const param = new CfnParameter(stack, 'Resource');
    new iam.ManagedPolicy(stack, 'Guard', {
      statements: [
        new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:DeleteObject'], resources: ['arn:aws:s3:::data'] }),
        new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:DeleteObject'], notResources: ['arn:aws:s3:::data'] }),
        new iam.PolicyStatement({ actions: ['sts:GetCallerIdentity'], resources: [param.valueAsString] }),
      ],
    });
    expect(messages(stack)).toEqual([expect.stringMatching(/Guard.* statement #0: s3:DeleteObject on arn:aws:s3:::data: .* the statement never denies it;/)]);
  });

  test('checks resource policies: a bucket policy granting object actions on the bucket fails', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    bucket.addToResourcePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.bucketArn], principals: [new iam.AccountRootPrincipal()] }));
    expect(findings(stack).map((f) => `${f.resource.logicalId} ${f.location}`)).toEqual(['BucketPolicyE9A3008A Properties/PolicyDocument/Statement/0']);
  });

  test('a wildcard action passes when one of its actions applies, and fails when none does', () => {
    const stack = newStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['arn:aws:s3:::data'] }));
    expect(messages(stack)).toEqual([]);
    const wrong = newStack();
    roleWith(wrong, new iam.PolicyStatement({ actions: ['dynamodb:Get*'], resources: ['arn:aws:s3:::data/*'] }));
    expect(messages(wrong)).toEqual([expect.stringContaining('none of the')]);
  });

  test('dynamodb:GetRecords on a table is reported, except in the shape of the CDK\'s table grants', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    roleWith(stack, new iam.PolicyStatement({ actions: ['dynamodb:GetRecords'], resources: [table.tableArn] }));
    expect(messages(stack)).toEqual([expect.stringContaining('dynamodb:GetRecords on ${Table')]);
    const granted = newStack();
    new dynamodb.Table(granted, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } })
      .grantReadData(new iam.Role(granted, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    expect(messages(granted)).toEqual([]);
  });

  test('leaves a connection action of one service prefix on a connection of the other to CW2', () => {
    const stack = newStack();
    roleWith(stack, new iam.PolicyStatement({
      actions: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'],
      resources: ['arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9'],
    }));
    expect(messages(stack)).toEqual([]);
  });

  test('passes for the policies the CDK\'s own grants write', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key, enforceSSL: true });
    bucket.grantReadWrite(role);
    bucket.grantDelete(role);
    new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }).grantReadWriteData(role);
    new sns.Topic(stack, 'Topic', { masterKey: key }).grantPublish(role);
    const queue = new sqs.Queue(stack, 'Queue');
    queue.grantConsumeMessages(role);
    queue.grantSendMessages(role);
    new logs.LogGroup(stack, 'Logs').grantWrite(role);
    key.grantEncryptDecrypt(role);
    role.grantPassRole(role);
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
    fn.grantInvoke(role);
    const hook = new lambda.Function(stack, 'Hook', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
    new codedeploy.LambdaDeploymentGroup(stack, 'Deploy', { alias, preHook: hook, deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES });
    new cloudwatch.Alarm(stack, 'Errors', { metric: fn.metricErrors({ period: Duration.minutes(1) }), threshold: 1, evaluationPeriods: 1 });
    expect(messages(stack)).toEqual([]);
    // The hook's grant on its deployment group (a documented exception) was among them.
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'codedeploy:PutLifecycleEventHookExecutionStatus', Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }) })]) },
    });
  });

  test('every message stays under 1,000 characters, and keeps its AWS citation', () => {
    const stack = newStack();
    const many = Array.from({ length: 40 }, (_, i) => Arn.format({ service: 's3', resource: `bucket-with-a-rather-long-name-${i}`, region: '', account: '' }, stack));
    roleWith(stack, new iam.PolicyStatement({ sid: 'S'.repeat(300), actions: ['cloudwatch:DescribeAlarms', 's3:GetObject', 'sts:GetCallerIdentity'], resources: many }));
    const found = messages(stack);
    expect(found).toHaveLength(3);
    for (const message of found) {
      expect(message.length).toBeLessThan(1000);
      expect(message).toMatch(/https:\/\/docs\.aws\.amazon\.com\/\S+\.html\)$/);
    }
  });
});

describe('CW10 in the plugin', () => {
  test('fails synthesis on a made-up action, naming CW10 and the policy', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    Validations.of(app).addPlugins(new DeployRules());
    const stack = new Stack(app, 'Service', { env: ENV });
    roleWith(stack, new iam.PolicyStatement({ actions: ['sqs:SendMesage'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/sqs:SendMesage is not an action of sqs[\s\S]*Acknowledge with 'crosswalk-deploy-rules::CW10'/);
  });
});
