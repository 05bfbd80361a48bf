import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { StackTemplate } from '../src/private/assembly';
import { CHECKS, conventionFacts, runChecks } from '../src/private/checks';
import { DEPLOY_RULES } from '../src/rules';

/**
 * Each rule against a small template that breaks it and one that does not. The templates
 * are written as CloudFormation, the form the rules read.
 */

const BUILD = '111111111111';
const DEV = '222222222222';
const REGION = 'eu-west-1';
const naming = new CrosswalkNaming({ projectName: 'Checkin', region: REGION });
const BUCKET = naming.artifactBucketName(BUILD);

function stack(resources: Record<string, any>, overrides: Partial<StackTemplate> = {}): StackTemplate {
  return { stackName: 'Stack', templatePath: '/cdk.out/Stack.template.json', account: BUILD, region: REGION, template: { Resources: resources }, ...overrides };
}
const ids = (stacks: StackTemplate[], ruleId: string, withNaming = false) =>
  runChecks(stacks, [ruleId], withNaming ? conventionFacts(naming) : {}).map((f) => `${f.resource.logicalId} ${f.location}`);
const messages = (stacks: StackTemplate[], ruleId: string, withNaming = false) =>
  runChecks(stacks, [ruleId], withNaming ? conventionFacts(naming) : {}).map((f) => f.message);

describe('DEPLOY_RULES', () => {
  test('every rule has a check, an AWS source, a behaviour and a fix', () => {
    expect(Object.keys(CHECKS).sort()).toEqual(DEPLOY_RULES.map((r) => r.id).sort());
    for (const rule of DEPLOY_RULES) {
      expect(rule.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(rule.behaviour.length).toBeGreaterThan(60);
      expect(rule.fix.length).toBeGreaterThan(30);
    }
  });
});

describe('CW1 EventBridge and encrypted topics', () => {
  const topicStack = (condition?: any) => stack({
    Key: {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: {
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BUILD}:root` }, Action: 'kms:*', Resource: '*' },
            { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*', ...(condition ? { Condition: condition } : {}) },
          ],
        },
      },
    },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
  });

  test('fails when the topic key\'s statement for EventBridge requires aws:SourceAccount, aws:SourceArn or aws:SourceOrgID', () => {
    for (const key of ['aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID']) {
      expect(ids([topicStack({ StringEquals: { [key]: BUILD } })], 'CW1')).toEqual(['Key Properties/KeyPolicy/Statement/1/Condition']);
    }
    expect(messages([topicStack({ StringEquals: { 'aws:SourceAccount': BUILD } })], 'CW1')[0])
      .toContain('key Key encrypts topic Topic, and its statement for events.amazonaws.com requires aws:sourceaccount');
  });

  test('passes without the condition, and for a key no topic uses (an encrypted event bus documents aws:SourceArn)', () => {
    expect(ids([topicStack()], 'CW1')).toEqual([]);
    const bus = topicStack({ StringEquals: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111111111111:event-bus/x' } });
    delete bus.template.Resources.Topic;
    expect(ids([bus], 'CW1')).toEqual([]);
  });
});

describe('CW2 connection prefixes', () => {
  const policy = (actions: string[]) => stack({
    Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/x' }] }, Roles: [{ Ref: 'Role' }] } },
  });

  test('fails when UseConnection is granted under one prefix only', () => {
    expect(messages([policy(['codestar-connections:UseConnection'])], 'CW2'))
      .toEqual(['Policy allows codestar-connections:UseConnection but not codeconnections:UseConnection: a connection whose ARN has the codeconnections prefix is refused; grant both']);
    expect(ids([policy(['codeconnections:UseConnection'])], 'CW2')).toHaveLength(1);
  });

  test('passes under both prefixes, or a wildcard of the other', () => {
    expect(ids([policy(['codestar-connections:UseConnection', 'codeconnections:UseConnection'])], 'CW2')).toEqual([]);
    expect(ids([policy(['codestar-connections:UseConnection', 'codeconnections:*'])], 'CW2')).toEqual([]);
  });
});

describe('CW3 other accounts only read artifacts', () => {
  const store = (objectActions: string[], keyActions: string[]) => stack({
    Key: {
      Type: 'AWS::KMS::Key',
      Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${DEV}:root`]] } }, Action: keyActions, Resource: '*' }] } },
    },
    Bucket: {
      Type: 'AWS::S3::Bucket',
      Properties: { BucketName: BUCKET, BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['Key', 'Arn'] } } }] } },
    },
    BucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { Bucket: { Ref: 'Bucket' }, PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DEV}:root` }, Action: objectActions, Resource: `arn:aws:s3:::${BUCKET}/*` }] } },
    },
  }, { stackName: 'Store' });
  const targetRole = (actions: string[], resource: string) => stack({
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: { Policies: [{ PolicyName: 'Artifacts', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] } }] },
    },
  }, { stackName: 'Roles', account: DEV });

  test('fails when the artifact bucket or key policy lets another account write, and names the account and actions', () => {
    const found = messages([store(['s3:GetObject', 's3:PutObject'], ['kms:Decrypt', 'kms:GenerateDataKey'])], 'CW3', true);
    expect(found).toEqual([
      `BucketPolicy lets account ${DEV} s3:PutObject on the artifact store of bucket '${BUCKET}': admit other accounts to read only`,
      `Key lets account ${DEV} kms:GenerateDataKey on the artifact store of bucket '${BUCKET}': admit other accounts to read only`,
    ]);
    expect(ids([store(['s3:*'], ['kms:Decrypt'])], 'CW3', true)).toEqual(['BucketPolicy Properties/PolicyDocument/Statement/0']);
  });

  test('fails when a role of another account may write the artifact objects or encrypt with the key', () => {
    const stacks = [store(['s3:GetObject'], ['kms:Decrypt']), targetRole(['s3:GetObject', 's3:PutObject'], `arn:aws:s3:::${BUCKET}/*`)];
    expect(ids(stacks, 'CW3', true)).toEqual(['Role Properties/Policies/0/PolicyDocument/Statement/0']);
    const pipelineFolder = [store(['s3:GetObject'], ['kms:Decrypt']), targetRole(['s3:PutObject'], `arn:aws:s3:::${BUCKET}/Checkin-pipeline/*`)];
    expect(ids(pipelineFolder, 'CW3', true)).toEqual(['Role Properties/Policies/0/PolicyDocument/Statement/0']);
    const elsewhere = [store(['s3:GetObject'], ['kms:Decrypt']), targetRole(['s3:PutObject'], 'arn:aws:s3:::another-bucket/*')];
    expect(ids(elsewhere, 'CW3', true)).toEqual([]);
    const encrypt = [store(['s3:GetObject'], ['kms:Decrypt']), targetRole(['kms:Encrypt'], `arn:aws:kms:${REGION}:${BUILD}:key/*`)];
    expect(messages(encrypt, 'CW3', true)[0]).toContain(`in account ${DEV} allows kms:Encrypt on the artifact store`);
  });

  test('passes for read-only access on both sides', () => {
    const stacks = [store(['s3:GetObject', 's3:GetObjectVersion'], ['kms:Decrypt', 'kms:DescribeKey']), targetRole(['s3:GetObject'], `arn:aws:s3:::${BUCKET}/*`)];
    expect(ids(stacks, 'CW3', true)).toEqual([]);
  });

  test('knows a pipeline\'s artifact store without the naming convention', () => {
    const withPipeline = store(['s3:PutObject'], ['kms:Decrypt']);
    withPipeline.template.Resources.Pipeline = { Type: 'AWS::CodePipeline::Pipeline', Properties: { ArtifactStore: { Type: 'S3', Location: BUCKET } } };
    expect(ids([withPipeline], 'CW3')).toEqual(['BucketPolicy Properties/PolicyDocument/Statement/0']);
    expect(ids([store(['s3:PutObject'], ['kms:Decrypt'])], 'CW3')).toEqual([]); // an ordinary bucket: not an artifact store
  });
});

describe('CW4 code assets outlive rollbacks', () => {
  const bucket = (rules: any[]) => stack({ Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: BUCKET, LifecycleConfiguration: { Rules: rules } } } });
  const service = stack({
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: BUCKET, S3Key: 'assets/0123abcd.zip' } } },
  }, { stackName: 'Service', account: DEV });

  test('fails when current objects expire under a prefix holding a function\'s code', () => {
    for (const rule of [{ Status: 'Enabled', ExpirationInDays: 90 }, { Status: 'Enabled', Prefix: 'assets/', ExpirationInDays: 90 }, { Status: 'Enabled', Filter: { Prefix: 'ass' }, ExpirationDate: '2030-01-01' }]) {
      expect(ids([bucket([rule]), service], 'CW4')).toEqual(['Bucket Properties/LifecycleConfiguration/Rules/0']);
    }
    expect(messages([bucket([{ Id: 'ExpireAll', Status: 'Enabled', ExpirationInDays: 90 }]), service], 'CW4')[0])
      .toContain('lifecycle rule ExpireAll of bucket \'checkin-artifacts-111111111111-eu-west-1\' expires current objects under \'\', which covers code asset assets/0123abcd.zip');
  });

  test('fails for the convention\'s bucket even when the functions are in another app', () => {
    expect(ids([bucket([{ Status: 'Enabled', ExpirationInDays: 90 }])], 'CW4', true)).toHaveLength(1);
    expect(ids([bucket([{ Status: 'Enabled', ExpirationInDays: 90 }])], 'CW4')).toEqual([]);
  });

  test('passes when only other prefixes expire and replaced versions expire everywhere', () => {
    const rules = [{ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }, { Status: 'Enabled', Prefix: 'Checkin-pipeline', ExpirationInDays: 90 }, { Status: 'Disabled', ExpirationInDays: 1 }];
    expect(ids([bucket(rules), service], 'CW4', true)).toEqual([]);
  });
});

describe('CW5 code bucket region', () => {
  const bucketIn = (region: string) => stack({ Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'code-bucket' } } }, { region, stackName: 'Store' });
  const fnIn = (region: string, bucketName = 'code-bucket') => stack({ Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: bucketName, S3Key: 'a.zip' } } } }, { region, account: DEV });

  test('fails for a function whose code bucket is in another region', () => {
    expect(messages([bucketIn('eu-west-1'), fnIn('us-east-2')], 'CW5'))
      .toEqual(['function Fn in us-east-2 takes its code from bucket \'code-bucket\' in eu-west-1: Lambda reads code only from a bucket in the function\'s region']);
    expect(ids([fnIn('us-east-2', BUCKET)], 'CW5', true)).toEqual(['Fn Properties/Code/S3Bucket']);
  });

  test('passes in the same region, and for a bucket the assembly does not know', () => {
    expect(ids([bucketIn('eu-west-1'), fnIn('eu-west-1')], 'CW5')).toEqual([]);
    expect(ids([fnIn('us-east-2', 'somebody-elses-bucket')], 'CW5', true)).toEqual([]);
  });
});

describe('CW5 across the regions of one pipeline (one artifact store per region)', () => {
  const fnIn = (region: string, bucketName: string) => stack({ Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: bucketName, S3Key: 'assets/a.zip' } } } }, { region, account: DEV });
  const west = naming.forRegion('us-west-2').artifactBucketName(BUILD);

  test('a function takes its code from the convention store of its own region: no finding', () => {
    expect(ids([fnIn('us-west-2', west), fnIn('eu-west-1', BUCKET)], 'CW5', true)).toEqual([]);
  });

  test('a function in one region whose code names another region\'s convention store is found, with that region', () => {
    expect(messages([fnIn('us-west-2', BUCKET)], 'CW5', true))
      .toEqual([`function Fn in us-west-2 takes its code from bucket '${BUCKET}' in eu-west-1: Lambda reads code only from a bucket in the function's region`]);
    expect(messages([fnIn('eu-west-1', west)], 'CW5', true))
      .toEqual([`function Fn in eu-west-1 takes its code from bucket '${west}' in us-west-2: Lambda reads code only from a bucket in the function's region`]);
  });
});

describe('CW6 bucket names', () => {
  test.each([
    ['ab', /3 to 63/],
    ['a'.repeat(64), /3 to 63/],
    ['Upper-case', /lower-case/],
    ['my..bucket', /adjacent periods/],
    ['192.168.5.4', /IP address/],
    ['xn--bucket', /reserved prefix 'xn--'/],
    ['sthree-bucket', /reserved prefix 'sthree-'/],
    ['amzn-s3-demo-bucket', /reserved prefix/],
    ['bucket-s3alias', /reserved suffix '-s3alias'/],
    ['bucket--ol-s3', /reserved suffix '--ol-s3'/],
    ['bucket.mrap', /reserved suffix/],
    ['bucket--x-s3', /reserved suffix/],
    ['bucket--table-s3', /reserved suffix/],
    ['-bucket', /beginning and ending/],
  ])('refuses %s', (name, problem) => {
    expect(CrosswalkNaming.bucketNameProblem(name)).toMatch(problem);
    expect(ids([stack({ B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: name } } })], 'CW6')).toEqual(['B Properties/BucketName']);
  });

  test('accepts valid names and leaves generated names alone', () => {
    for (const name of [BUCKET, 'abc', 'my.bucket-1']) expect(CrosswalkNaming.bucketNameProblem(name)).toBeUndefined();
    expect(ids([stack({ B: { Type: 'AWS::S3::Bucket', Properties: {} } })], 'CW6')).toEqual([]);
  });
});

describe('CW7 name lengths', () => {
  test('fails for names over their service\'s limit, and passes at the limit', () => {
    const cases: Array<[string, string, number]> = [
      ['AWS::IAM::Role', 'RoleName', 64], ['AWS::IAM::ManagedPolicy', 'ManagedPolicyName', 128], ['AWS::Lambda::Function', 'FunctionName', 64],
      ['AWS::SNS::Topic', 'TopicName', 256], ['AWS::CodePipeline::Pipeline', 'Name', 100], ['AWS::Logs::LogGroup', 'LogGroupName', 512],
      ['AWS::CodeDeploy::DeploymentConfig', 'DeploymentConfigName', 100],
    ];
    for (const [type, property, max] of cases) {
      expect(ids([stack({ R: { Type: type, Properties: { [property]: 'a'.repeat(max + 1) } } })], 'CW7')).toEqual([`R Properties/${property}`]);
      expect(ids([stack({ R: { Type: type, Properties: { [property]: 'a'.repeat(max) } } })], 'CW7')).toEqual([]);
    }
  });

  test('counts names built with Fn::Join of pseudo parameters, and shortens what it echoes', () => {
    const name = { 'Fn::Join': ['-', ['x'.repeat(50), { Ref: 'AWS::Region' }, 'DeploymentRole']] };
    const [message] = messages([stack({ R: { Type: 'AWS::IAM::Role', Properties: { RoleName: name } } })], 'CW7');
    expect(message).toContain('is 75 characters, over the limit of 64');
    expect(message.length).toBeLessThan(300);
  });
});

describe('CW8 service trust conditions', () => {
  const role = (condition?: any) => stack({
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }] } } },
  });

  test('fails for a CodePipeline service role trusted only under aws:SourceArn or aws:SourceAccount', () => {
    expect(ids([role({ ArnLike: { 'aws:SourceArn': 'arn:aws:codepipeline:eu-west-1:111111111111:p' } })], 'CW8'))
      .toEqual(['Role Properties/AssumeRolePolicyDocument/Statement/0/Condition']);
    expect(ids([role({ StringEquals: { 'aws:SourceAccount': BUILD } })], 'CW8')).toHaveLength(1);
  });

  test('passes without a condition', () => {
    expect(ids([role()], 'CW8')).toEqual([]);
  });
});

describe('CW9 duplicate subscriptions', () => {
  const subscription = (endpoint: string, topic: any = { Ref: 'Topic' }) => ({ Type: 'AWS::SNS::Subscription', Properties: { TopicArn: topic, Protocol: 'email', Endpoint: endpoint } });

  test('fails for the same email twice on one topic, also differing only in case', () => {
    expect(ids([stack({ Topic: { Type: 'AWS::SNS::Topic' }, A: subscription('team@example.com'), B: subscription('Team@Example.com') })], 'CW9'))
      .toEqual(['B Properties/Endpoint']);
  });

  test('passes for different topics or addresses', () => {
    expect(ids([stack({ Topic: { Type: 'AWS::SNS::Topic' }, Other: { Type: 'AWS::SNS::Topic' }, A: subscription('team@example.com'), B: subscription('team@example.com', { Ref: 'Other' }), C: subscription('ops@example.com') })], 'CW9'))
      .toEqual([]);
  });
});
