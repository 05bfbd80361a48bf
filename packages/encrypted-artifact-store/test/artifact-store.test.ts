import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { App, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptedArtifactStore, EncryptedArtifactStoreProps } from '../src';
import { newApp, synthWithAwsSolutions } from '../../../test-support/nag';

const BUILD = '111111111111';
const DEV = '222222222222';
const PROD = '333333333333';
const STAGING = '444444444444';
const naming = new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1' });
const BUCKET_NAME = 'checkin-artifacts-111111111111-eu-west-1';

function storeStack(props: Partial<EncryptedArtifactStoreProps> = {}, app: App = newApp()) {
  const stack = new Stack(app, 'Build', { env: { account: BUILD, region: 'eu-west-1' } });
  const store = new EncryptedArtifactStore(stack, 'ArtifactStore', { naming, ...props });
  return { stack, store };
}

/** The template of the default store's stack: synthesized once, for the tests that only read it. */
let defaultStore: Template | undefined;
const defaultTemplate = (): Template => (defaultStore ??= Template.fromStack(storeStack().stack));

const list = (value: any): any[] => (value === undefined ? [] : [].concat(value));
const root = (account: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] });

function artifactBucketId(template: Template): string {
  return Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: BUCKET_NAME } }))[0];
}

function bucketPolicyStatements(template: Template): any[] {
  const id = artifactBucketId(template);
  const [policy] = Object.values<any>(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: id } } }));
  return list(policy.Properties.PolicyDocument.Statement);
}

function keyPolicyStatements(template: Template): any[] {
  const [key] = Object.values<any>(template.findResources('AWS::KMS::Key'));
  return list(key.Properties.KeyPolicy.Statement);
}

/** Which roles of other accounts the statements admit: `account role-arn`, sorted and unique. */
function admittedRoles(statements: any[]): string[] {
  const admitted = new Set<string>();
  for (const s of statements.filter((st) => st.Effect === 'Allow' && st.Principal?.AWS)) {
    const account = /:iam::(\d{12}):root/.exec(JSON.stringify(s.Principal.AWS))![1];
    if (account === BUILD) continue;
    for (const arn of list(s.Condition?.ArnEquals?.['aws:PrincipalArn'])) admitted.add(`${account} ${arn}`);
  }
  return [...admitted].sort();
}

describe('EncryptedArtifactStore', () => {
  describe('defaults', () => {
    test('the key rotates and carries the convention alias', () => {
      const template = defaultTemplate();
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/Checkin/eu-west-1/artifacts' });
    });

    test('the key policy leaves administration to the build account\'s IAM policies and lets only AWS services create grants', () => {
      const template = defaultTemplate();
      expect(keyPolicyStatements(template)).toEqual([
        { Effect: 'Allow', Action: 'kms:*', Principal: { AWS: root(BUILD) }, Resource: '*' },
        {
          Sid: 'DenyGrantsExceptForAwsResources',
          Effect: 'Deny',
          Action: 'kms:CreateGrant',
          Principal: { AWS: '*' },
          Resource: '*',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        },
      ]);
    });

    test('the bucket is named by convention, KMS-encrypted with a bucket key, versioned, private and owner-enforced', () => {
      const template = defaultTemplate();
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: BUCKET_NAME,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } },
          }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    });

    test('the bucket refuses requests without TLS, or with TLS older than 1.2', () => {
      const template = defaultTemplate();
      const denies = bucketPolicyStatements(template).filter((s) => s.Effect === 'Deny');
      expect(denies.map((s) => [s.Action, s.Principal, s.Condition])).toEqual([
        ['s3:*', { AWS: '*' }, { Bool: { 'aws:SecureTransport': 'false' } }],
        ['s3:*', { AWS: '*' }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }],
      ]);
    });

    test('pipeline artifacts and test reports expire after 90 days, replaced versions after 30, unfinished uploads after 7', () => {
      const template = defaultTemplate();
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: BUCKET_NAME,
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'ExpireReplacedVersions',
              Status: 'Enabled',
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              ExpiredObjectDeleteMarker: true,
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            },
            { Id: 'ExpireArtifacts1', Status: 'Enabled', Prefix: 'Checkin-pipeline/', ExpirationInDays: 90 },
            { Id: 'ExpireArtifacts2', Status: 'Enabled', Prefix: 'test-reports/', ExpirationInDays: 90 },
          ],
        },
      });
    });

    test('no lifecycle rule expires a current code asset, so a stack can always roll back to its previous code', () => {
      for (const props of [{}, { artifactExpiration: Duration.days(1) }, { expiringPrefixes: ['builds/', 'reports/'] }]) {
        const bucket = Template.fromStack(storeStack(props).stack).findResources('AWS::S3::Bucket', { Properties: { BucketName: BUCKET_NAME } });
        const rules: any[] = (Object.values<any>(bucket)[0]).Properties.LifecycleConfiguration.Rules;
        const expiringCurrent = rules.filter((r) => r.ExpirationInDays !== undefined || r.ExpirationDate !== undefined);
        expect(expiringCurrent.length).toBeGreaterThan(0);
        for (const rule of expiringCurrent) {
          // a rule without a prefix (or tag filter) applies to every object, code assets included
          const prefix: string = rule.Prefix ?? rule.Filter?.Prefix ?? '';
          expect({ rule: rule.Id, coversAssets: 'assets/abc.zip'.startsWith(prefix) }).toEqual({ rule: rule.Id, coversAssets: false });
        }
      }
    });

    test('fails for an expiring prefix that overlaps the code assets', () => {
      for (const prefix of ['', 'assets/', 'assets/old/', 'ass']) {
        expect(() => storeStack({ expiringPrefixes: [prefix] }))
          .toThrow(`expiringPrefixes must not overlap the code assets prefix 'assets/', got '${prefix}': code assets must stay while any stack may roll back to them`);
      }
    });

    test('server access logs go to a private, TLS-only log bucket, delivered by bucket policy whatever the app\'s feature flags', () => {
      // A bare App: the serverAccessLogsUseBucketPolicy feature flag is not set.
      const template = defaultTemplate();
      const logsId = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: Match.absent() } }))[0];
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: BUCKET_NAME,
        LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: `${BUCKET_NAME}/` },
      });
      const logs = template.toJSON().Resources[logsId].Properties;
      expect(logs.AccessControl).toBeUndefined();
      expect(logs.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
      expect(logs.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(365);
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logsId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: 's3:PutObject',
              Condition: { StringEquals: { 'aws:SourceAccount': BUILD }, ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [artifactBucketId(template), 'Arn'] } } },
            }),
          ]),
        },
      });
    });

    test('the key and the buckets are retained when they leave the stack', () => {
      const template = defaultTemplate();
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      expect(Object.values<any>(template.findResources('AWS::S3::Bucket')).map((b) => b.DeletionPolicy)).toEqual(['Retain', 'Retain']);
    });

    test('with no target account, no other account is admitted', () => {
      const template = defaultTemplate();
      expect(admittedRoles([...bucketPolicyStatements(template), ...keyPolicyStatements(template)])).toEqual([]);
    });
  });

  describe('options', () => {
    test('artifactExpiration and noncurrentVersionExpiration set the lifecycle', () => {
      const template = Template.fromStack(storeStack({ artifactExpiration: Duration.days(14), noncurrentVersionExpiration: Duration.days(3) }).stack);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: BUCKET_NAME,
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 3 } }),
            Match.objectLike({ Prefix: 'Checkin-pipeline/', ExpirationInDays: 14 }),
            Match.objectLike({ Prefix: 'test-reports/', ExpirationInDays: 14 }),
          ],
        },
      });
    });

    test('removalPolicy applies to the key and both buckets', () => {
      const template = Template.fromStack(storeStack({ removalPolicy: RemovalPolicy.DESTROY }).stack);
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
      expect(Object.values<any>(template.findResources('AWS::S3::Bucket')).map((b) => b.DeletionPolicy)).toEqual(['Delete', 'Delete']);
    });

    test('accessLogsBucket sends the access logs to the caller\'s bucket, and no log bucket is created', () => {
      const app = newApp();
      const stack = new Stack(app, 'Build', { env: { account: BUILD, region: 'eu-west-1' } });
      const central = new s3.Bucket(stack, 'CentralLogs', { enforceSSL: true });
      const store = new EncryptedArtifactStore(stack, 'ArtifactStore', { naming, accessLogsBucket: central, accessLogsExpiration: Duration.days(7) });
      const template = Template.fromStack(stack);
      expect(store.accessLogsBucket).toBe(central);
      expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toHaveLength(2);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: BUCKET_NAME,
        LoggingConfiguration: { DestinationBucketName: { Ref: stack.getLogicalId(central.node.defaultChild as s3.CfnBucket) } },
      });
    });
  });

  describe('target accounts', () => {
    test('the key and bucket policies admit exactly the listed accounts\' deployment and execution roles', () => {
      const template = Template.fromStack(storeStack({ targetAccounts: [DEV, PROD, STAGING] }).stack);
      const expected = [DEV, PROD, STAGING].flatMap((a) => [`${a} ${naming.deploymentRoleArn(a)}`, `${a} ${naming.executionRoleArn(a)}`]).sort();
      expect(admittedRoles(bucketPolicyStatements(template))).toEqual(expected);
      expect(admittedRoles(keyPolicyStatements(template))).toEqual(expected);
    });

    test('a deployment role may read and write artifacts; an execution role may only read code assets', () => {
      const template = Template.fromStack(storeStack({ targetAccounts: [DEV] }).stack);
      const bucketArn = { 'Fn::GetAtt': [artifactBucketId(template), 'Arn'] };
      const condition = (arn: string) => ({ ArnEquals: { 'aws:PrincipalArn': arn } });
      expect(bucketPolicyStatements(template).filter((s) => s.Effect === 'Allow')).toEqual([
        { Sid: `DeploymentRole${DEV}Bucket`, Effect: 'Allow', Principal: { AWS: root(DEV) }, Condition: condition(naming.deploymentRoleArn(DEV)), Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: bucketArn },
        { Sid: `DeploymentRole${DEV}Objects`, Effect: 'Allow', Principal: { AWS: root(DEV) }, Condition: condition(naming.deploymentRoleArn(DEV)), Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: { 'Fn::Join': ['', [bucketArn, '/*']] } },
        { Sid: `ExecutionRole${DEV}Objects`, Effect: 'Allow', Principal: { AWS: root(DEV) }, Condition: condition(naming.executionRoleArn(DEV)), Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: { 'Fn::Join': ['', [bucketArn, '/assets/*']] } },
      ]);
      expect(keyPolicyStatements(template).slice(2)).toEqual([
        { Sid: `DeploymentRole${DEV}`, Effect: 'Allow', Principal: { AWS: root(DEV) }, Condition: condition(naming.deploymentRoleArn(DEV)), Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' },
        { Sid: `ExecutionRole${DEV}`, Effect: 'Allow', Principal: { AWS: root(DEV) }, Condition: condition(naming.executionRoleArn(DEV)), Action: 'kms:Decrypt', Resource: '*' },
      ]);
    });

    test('a second region\'s store (a pipeline that deploys to several) is that region\'s bucket and key, admitting that region\'s roles', () => {
      const west = naming.forRegion('us-west-2');
      const stack = new Stack(newApp(), 'BuildWest', { env: { account: BUILD, region: 'us-west-2' } });
      new EncryptedArtifactStore(stack, 'ArtifactStore', { naming: west, targetAccounts: [PROD] });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'checkin-artifacts-111111111111-us-west-2' });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/Checkin/us-west-2/artifacts' });
      const [key] = Object.values<any>(template.findResources('AWS::KMS::Key'));
      expect(admittedRoles(list(key.Properties.KeyPolicy.Statement))).toEqual([
        `${PROD} arn:aws:iam::${PROD}:role/Checkin-us-west-2-CfnExecutionRole`, `${PROD} arn:aws:iam::${PROD}:role/Checkin-us-west-2-DeploymentRole`,
      ]);
      // The same expiring prefixes as at home (the convention's pipeline folder).
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: 'checkin-artifacts-111111111111-us-west-2',
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'Checkin-pipeline/', ExpirationInDays: 90 })]) },
      });
    });

    test('addTargetAccount admits another account after construction, and adding it twice changes nothing', () => {
      const { stack, store } = storeStack({ targetAccounts: [DEV] });
      store.addTargetAccount(PROD);
      store.addTargetAccount(PROD);
      store.addTargetAccount(DEV);
      expect(store.targetAccounts).toEqual([DEV, PROD]);
      const template = Template.fromStack(stack);
      const expected = [DEV, PROD].flatMap((a) => [`${a} ${naming.deploymentRoleArn(a)}`, `${a} ${naming.executionRoleArn(a)}`]).sort();
      expect(admittedRoles(keyPolicyStatements(template))).toEqual(expected);
      expect(bucketPolicyStatements(template).filter((s) => s.Effect === 'Allow')).toHaveLength(6);
    });

    test('no key or bucket policy statement names a target role as principal', () => {
      const template = Template.fromStack(storeStack({ targetAccounts: [DEV, PROD] }).stack);
      for (const statement of [...bucketPolicyStatements(template), ...keyPolicyStatements(template)]) {
        expect(JSON.stringify(statement.Principal)).not.toMatch(/:role\//);
      }
    });
  });

  describe('grants to build-account principals', () => {
    test('grantRead lets a CodeBuild project list, get and decrypt artifacts, through its own role\'s policy', () => {
      const { stack, store } = storeStack({ targetAccounts: [DEV] });
      const project = new codebuild.PipelineProject(stack, 'Tests');
      const grant = store.grantRead(project);
      expect(grant.success).toBe(true);
      const template = Template.fromStack(stack);
      const [policy] = Object.values<any>(template.findResources('AWS::IAM::Policy'));
      const statements = list(policy.Properties.PolicyDocument.Statement);
      const actions = statements.flatMap((s) => list(s.Action));
      expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 'kms:Decrypt']));
      expect(actions).not.toContain('s3:PutObject');
      expect(actions).not.toContain('kms:Encrypt');
      // Same account: nothing added to the bucket policy beyond the target account's statements.
      expect(bucketPolicyStatements(template).filter((s) => s.Effect === 'Allow')).toHaveLength(3);
    });

    test('grantReadWrite also lets the pipeline put and encrypt artifacts', () => {
      const { stack, store } = storeStack();
      const role = new iam.Role(stack, 'Pipeline', { assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com') });
      store.grantReadWrite(role);
      const [policy] = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
      const actions = list(policy.Properties.PolicyDocument.Statement).flatMap((s) => list(s.Action));
      expect(actions).toEqual(expect.arrayContaining(['s3:PutObject', 's3:GetObject', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt']));
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    });

    test('fails for a principal of another account, pointing to addTargetAccount', () => {
      const { stack, store } = storeStack();
      const devRole = iam.Role.fromRoleArn(stack, 'DevRole', naming.deploymentRoleArn(DEV));
      expect(() => store.grantRead(devRole))
        .toThrow(`grantRead() is for principals of the build account ${BUILD}, got a principal of account ${DEV}: admit a target account with addTargetAccount('${DEV}')`);
      expect(() => store.grantReadWrite(devRole)).toThrow(/grantReadWrite\(\) is for principals of the build account/);
    });
  });

  test('no statement of the store allows every action', () => {
    const { stack, store } = storeStack({ targetAccounts: [DEV, PROD] });
    store.grantReadWrite(new iam.Role(stack, 'Pipeline', { assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com') }));
    const template = Template.fromStack(stack).toJSON();
    const allows = Object.values<any>(template.Resources).flatMap((r) => [
      ...list(r.Properties?.PolicyDocument?.Statement),
      ...list(r.Properties?.KeyPolicy?.Statement),
    ]).filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(10);
    for (const statement of allows) expect(list(statement.Action)).not.toContain('*');
  });

  test('isEncryptedArtifactStore recognises a store, and not its bucket or another construct', () => {
    const { stack, store } = storeStack();
    expect(EncryptedArtifactStore.isEncryptedArtifactStore(store)).toBe(true);
    expect(EncryptedArtifactStore.isEncryptedArtifactStore(store.bucket)).toBe(false);
    expect(EncryptedArtifactStore.isEncryptedArtifactStore(stack)).toBe(false);
    expect(EncryptedArtifactStore.isEncryptedArtifactStore(undefined)).toBe(false);
  });

  describe('cdk-nag AwsSolutions', () => {
    test('has no unacknowledged finding, with a grantee, and acknowledges only what needs a reason', () => {
      const app = newApp();
      const { stack, store } = storeStack({ targetAccounts: [DEV, PROD] }, app);
      store.grantReadWrite(new iam.Role(stack, 'Pipeline', { assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com') }));
      const { findings, acknowledged } = synthWithAwsSolutions(app);
      expect(findings).toEqual([]);
      // The log bucket is recognised as a log destination; only the grantee's object pattern needs a reason.
      expect(acknowledged.map((a) => [a.ruleName, a.constructPaths])).toEqual([
        [expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ArtifactStoreBucket\w+\.Arn>\/\*\]$/), ['Build/Pipeline/DefaultPolicy/Resource']],
      ]);
      expect(acknowledged[0].reason).toMatch(new RegExp(`objects of the artifact bucket ${BUCKET_NAME}`));
    });

    test('the grantee\'s object pattern stays a finding when the grantee is in another stack (its id is not known there)', () => {
      const app = newApp();
      const { store } = storeStack({}, app);
      const other = new Stack(app, 'Tools', { env: { account: BUILD, region: 'eu-west-1' } });
      store.grantRead(new iam.Role(other, 'Reader', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') }));
      const { findings } = synthWithAwsSolutions(app);
      expect(findings.map((f) => f.constructPaths)).toEqual([['Tools/Reader/DefaultPolicy/Resource']]);
    });
  });

  describe('validation', () => {
    test('fails in a stack without a concrete account', () => {
      const stack = new Stack(new App(), 'Agnostic', { env: { region: 'eu-west-1' } });
      expect(() => new EncryptedArtifactStore(stack, 'Store', { naming }))
        .toThrow("EncryptedArtifactStore needs the build account: give stack 'Agnostic' env: { account: '<12-digit build account id>' }");
    });

    test('fails in another region than the naming convention\'s', () => {
      const stack = new Stack(new App(), 'Elsewhere', { env: { account: BUILD, region: 'us-east-1' } });
      expect(() => new EncryptedArtifactStore(stack, 'Store', { naming }))
        .toThrow("EncryptedArtifactStore must be in the naming convention's region 'eu-west-1', got 'us-east-1' for stack 'Elsewhere': set env: { region: 'eu-west-1' }");
      expect(() => new EncryptedArtifactStore(new Stack(new App(), 'Elsewhere', { env: { account: BUILD, region: 'us-east-1' } }), 'Store', { naming }))
        .toThrow("for a store of another region (a pipeline that deploys to several), pass naming.forRegion('us-east-1')");
    });

    test('fails in a stack whose region is not known at synth time', () => {
      const stack = new Stack(new App(), 'NoRegion', { env: { account: BUILD } });
      expect(() => new EncryptedArtifactStore(stack, 'Store', { naming }))
        .toThrow("EncryptedArtifactStore must be in the naming convention's region 'eu-west-1', got an unresolved region for stack 'NoRegion': set env: { region: 'eu-west-1' }");
    });

    test('fails on a target account that is not 12 digits', () => {
      expect(() => storeStack({ targetAccounts: [DEV, '33333333333'] }))
        .toThrow("targetAccounts must be a 12-digit AWS account id, got '33333333333'");
    });

    test('fails on the build account as a target account', () => {
      expect(() => storeStack({ targetAccounts: [BUILD] }))
        .toThrow(`targetAccounts must not include the build account '${BUILD}' that holds the store`);
      const { store } = storeStack();
      expect(() => store.addTargetAccount(BUILD)).toThrow(/must not include the build account/);
    });

    test('fails on a target account given as a token', () => {
      const { store } = storeStack();
      expect(() => store.addTargetAccount(Token.asString({ Ref: 'TargetAccount' })))
        .toThrow('targetAccounts must be literal 12-digit account ids, not tokens');
    });

    test('fails on an expiry that is not a whole number of days', () => {
      expect(() => storeStack({ artifactExpiration: Duration.hours(36) }))
        .toThrow('artifactExpiration must be a whole number of days, at least 1 (S3 lifecycle rules count in days), got 1 day 12 hours: use Duration.days(n)');
      expect(() => storeStack({ noncurrentVersionExpiration: Duration.days(0) }))
        .toThrow(/noncurrentVersionExpiration must be a whole number of days, at least 1/);
      expect(() => storeStack({ accessLogsExpiration: Duration.minutes(90) }))
        .toThrow('accessLogsExpiration must be a whole number of days, at least 1 (S3 lifecycle rules count in days), got 1 hour 30 minutes: use Duration.days(n)');
    });

    test('fails on an expiring prefix that is not known at synth time', () => {
      expect(() => storeStack({ expiringPrefixes: [Token.asString({ Ref: 'Prefix' })] }))
        .toThrow('expiringPrefixes must be literal strings, not tokens: each is checked against the code assets prefix at synth time');
    });
  });
});
