import { Stack, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { EncryptedArtifactStore } from '@crosswalk/encrypted-artifact-store';
import { NotifyingPipeline, NotifyingPipelineProps, PipelineEnvironment } from '../src';
import { BUILD, DEV, PROD, REGION, buildSpec, dev, naming, newApp, prod } from './fixtures';

/** Builds the pipeline in a fresh stack of the build account; the store is imported (no synth needed to fail). */
function build(overrides: Partial<NotifyingPipelineProps> = {}, env: { account?: string; region?: string } = { account: BUILD, region: REGION }) {
  const stack = new Stack(newApp(), 'Pipeline', { env });
  return new NotifyingPipeline(stack, 'Pipeline', {
    naming,
    artifactBucket: s3.Bucket.fromBucketName(stack, 'Bucket', naming.artifactBucketName(BUILD)),
    artifactKey: kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:${REGION}:${BUILD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
    source: { owner: 'crosswalk-dev', repo: 'crosswalk' },
    buildSpec: buildSpec(),
    environments: [dev, prod],
    ...overrides,
  });
}

const withEnv = (change: Partial<PipelineEnvironment>, index = 0): Partial<NotifyingPipelineProps> => ({
  environments: [dev, prod].map((e, i) => (i === index ? { ...e, ...change } : e)),
});

describe('NotifyingPipeline validation', () => {
  test('valid props build', () => {
    expect(() => build()).not.toThrow();
  });

  test('fails without environments', () => {
    expect(() => build({ environments: [] })).toThrow(/environments must list at least one environment to deploy to, for example \[\{ name: 'Dev'/);
  });

  test('fails on an empty environment name', () => {
    expect(() => build(withEnv({ name: '' }))).toThrow("environments[0].name must not be empty: it names a pipeline stage or action (for example 'Dev' or 'Integration')");
  });

  test('fails on an environment name CodePipeline or CDK would refuse', () => {
    expect(() => build(withEnv({ name: 'Dev stage' }))).toThrow("environments[0].name must start with a letter and contain at most 50 letters, digits, '_' or '-', got 'Dev stage'");
  });

  test('fails on duplicate environment names, whatever their case', () => {
    expect(() => build(withEnv({ name: 'dev' }, 1))).toThrow("environments[1].name 'dev' is already used by environments[0]: each environment is a pipeline stage and needs its own name");
  });

  test('fails on an environment named like a stage the pipeline adds', () => {
    expect(() => build(withEnv({ name: 'Build' }))).toThrow("environments[0].name 'Build' is the name of a stage the pipeline adds itself (Source, Build)");
  });

  test('fails on a bad account id', () => {
    expect(() => build(withEnv({ account: '12345' }, 1))).toThrow("environments[1].account must be a 12-digit AWS account id, got '12345'");
  });

  test('fails on a region other than the naming convention\'s, and says how to deliver there', () => {
    expect(() => build(withEnv({ region: 'us-east-1' }))).toThrow(
      /environments\[0\]\.region is 'us-east-1' but the naming convention's region is 'eu-west-1'.*new CrosswalkNaming\(\{ projectName: 'Crosswalk', region: 'us-east-1' \}\)/);
    expect(() => build(withEnv({ region: 'europe' }))).toThrow("environments[0].region must be an AWS region name such as 'eu-west-1', got 'europe'");
    expect(() => build(withEnv({ region: REGION }))).not.toThrow();
  });

  test('fails on a stack name CloudFormation would refuse', () => {
    expect(() => build(withEnv({ stackName: 'Crosswalk_SampleApi' }))).toThrow(
      "environments[0].stackName must be a CloudFormation stack name (a letter, then at most 127 letters, digits or hyphens), got 'Crosswalk_SampleApi'");
    expect(() => build(withEnv({ stackName: `Crosswalk-${'x'.repeat(128)}` }))).toThrow(/must be a CloudFormation stack name/);
  });

  test('fails on a stack name outside the project prefix the deployment roles act on', () => {
    expect(() => build(withEnv({ stackName: 'SampleApi-Dev' }))).toThrow(
      "environments[0].stackName must start with 'Crosswalk-' because the deployment roles act only on the project's stacks (stacks named 'Crosswalk-*'), got 'SampleApi-Dev': use for example 'Crosswalk-SampleApi-Dev'");
  });

  test('fails when a test reads an output its environment does not declare', () => {
    const tests = [{ name: 'Integration', commands: ['npm test'], environmentFromOutputs: { API_URL: 'ApiEndpoint' } }];
    expect(() => build(withEnv({ tests }))).toThrow(
      "environments[0].tests[0].environmentFromOutputs.API_URL names the output 'ApiEndpoint', which environment 'Dev' does not declare (outputs: 'ApiUrl'): add 'ApiEndpoint' to environments[0].outputs or fix the name");
    expect(() => build(withEnv({ tests, outputs: undefined }))).toThrow(/does not declare \(outputs: none\)/);
  });

  test('fails on a test variable name a shell cannot hold', () => {
    const tests = [{ name: 'Integration', commands: ['npm test'], environmentFromOutputs: { 'API-URL': 'ApiUrl' } }];
    expect(() => build(withEnv({ tests }))).toThrow("environments[0].tests[0].environmentFromOutputs has the key 'API-URL', which is not an environment variable name");
  });

  test('fails on a plain test variable name a shell cannot hold', () => {
    const tests = [{ name: 'Integration', commands: ['npm test'], environmentVariables: { '1SUITE': 'integration' } }];
    expect(() => build(withEnv({ tests }, 1))).toThrow(
      "environments[1].tests[0].environmentVariables has the key '1SUITE', which is not an environment variable name (letters, digits and '_', not starting with a digit), for example API_URL");
  });

  test('fails on a test with both or neither of commands and buildSpec', () => {
    const both = [{ name: 'Integration', commands: ['npm test'], buildSpec: buildSpec() }];
    expect(() => build(withEnv({ tests: both }))).toThrow("environments[0].tests[0] ('Integration') must have either commands or buildSpec, not both");
    const neither = [{ name: 'Integration' }];
    expect(() => build(withEnv({ tests: neither }))).toThrow("environments[0].tests[0] ('Integration') must have either commands or buildSpec, got neither");
  });

  test('fails on duplicate test names and on test names the stage already uses', () => {
    const twice = [{ name: 'Smoke', commands: ['a'] }, { name: 'smoke', commands: ['b'] }];
    expect(() => build(withEnv({ tests: twice }))).toThrow("environments[0].tests[1].name 'smoke' is used twice in environment 'Dev'");
    expect(() => build(withEnv({ tests: [{ name: 'Approve', commands: ['a'] }] }, 1))).toThrow(
      "environments[1].tests[0].name 'Approve' is the name of an action the pipeline adds itself (Deploy, CreateChangeSet, Review, Approve, VerifyReviewedChangeSet, ExecuteChangeSet, Bake)");
  });

  test('fails on an output name CloudFormation would refuse', () => {
    expect(() => build(withEnv({ outputs: ['Api-Url'] }))).toThrow("environments[0].outputs[0] must be a CloudFormation output name (letters and digits only), got 'Api-Url'");
  });

  test('fails on an empty template path', () => {
    expect(() => build(withEnv({ templatePath: ' ' }))).toThrow(/environments\[0\]\.templatePath must name the template file in the build output artifact/);
  });

  test('fails on malformed notification and approval emails', () => {
    expect(() => build({ notificationEmails: ['team@example.com', 'team'] })).toThrow("notificationEmails[1] must be an email address such as 'team@example.com', got 'team'");
    expect(() => build({ approvalEmails: ['@example.com'] })).toThrow("approvalEmails[0] must be an email address such as 'team@example.com', got '@example.com'");
  });

  test('fails on an empty repository owner, repository or branch', () => {
    expect(() => build({ source: { owner: '', repo: 'crosswalk' } })).toThrow(/source\.owner must not be empty: name the GitHub owner the pipeline builds/);
    expect(() => build({ source: { owner: 'o', repo: 'r', branch: ' ' } })).toThrow(/source\.branch must not be empty/);
  });

  test('fails on a pipeline stack without an explicit account', () => {
    expect(() => build({}, { region: REGION })).toThrow("NotifyingPipeline needs the build account: give stack 'Pipeline' env: { account: '<12-digit build account id>' }");
  });

  test('fails on a pipeline stack outside the naming convention\'s region', () => {
    expect(() => build({}, { account: BUILD, region: 'us-west-2' })).toThrow(/the region of the pipeline's stack is 'us-west-2' but the naming convention's region is 'eu-west-1'/);
  });

  test('fails on an artifact bucket that is not the convention\'s', () => {
    const stack = new Stack(newApp(), 'Pipeline', { env: { account: BUILD, region: REGION } });
    const props = {
      naming,
      artifactKey: new kms.Key(stack, 'Key'),
      source: { owner: 'o', repo: 'r' },
      buildSpec: buildSpec(),
      environments: [dev],
    };
    expect(() => new NotifyingPipeline(stack, 'Named', { ...props, artifactBucket: s3.Bucket.fromBucketName(stack, 'Other', 'my-artifacts') })).toThrow(
      "artifactBucket must be the convention's artifact bucket 'crosswalk-artifacts-111111111111-eu-west-1' (naming.artifactBucketName('111111111111')), which the target accounts' roles are granted by name, got 'my-artifacts': pass EncryptedArtifactStore's bucket");
    expect(() => new NotifyingPipeline(stack, 'Created', { ...props, artifactBucket: new s3.Bucket(stack, 'Own', { bucketName: 'my-own-artifacts' }) })).toThrow(
      /got 'my-own-artifacts': pass EncryptedArtifactStore's bucket/);
  });

  test('fails on an artifact bucket whose name is not known at synth time, and accepts the convention\'s bucket however it is given', () => {
    const app = newApp();
    const stack = new Stack(app, 'Pipeline', { env: { account: BUILD, region: REGION } });
    const props = {
      naming,
      artifactKey: new kms.Key(stack, 'Key'),
      source: { owner: 'o', repo: 'r' },
      buildSpec: buildSpec(),
      environments: [dev],
    };
    expect(() => new NotifyingPipeline(stack, 'Generated', { ...props, artifactBucket: new s3.Bucket(stack, 'B') })).toThrow(
      "artifactBucket must be the convention's artifact bucket 'crosswalk-artifacts-111111111111-eu-west-1' (naming.artifactBucketName('111111111111')), " +
      "which the target accounts' roles are granted by name, got bucket 'Pipeline/B', whose name is not known at synth time: " +
      "pass EncryptedArtifactStore's bucket, or a bucket named 'crosswalk-artifacts-111111111111-eu-west-1' (created with that bucketName, or imported with s3.Bucket.fromBucketName())");
    expect(() => new NotifyingPipeline(stack, 'Imported', { ...props, artifactBucket: s3.Bucket.fromBucketArn(stack, 'Arn', Token.asString({ Ref: 'BucketArn' })) }))
      .toThrow(/got bucket 'Pipeline\/Arn', whose name is not known at synth time/);

    const store = new EncryptedArtifactStore(stack, 'Store', { naming, targetAccounts: [DEV] });
    expect(() => new NotifyingPipeline(stack, 'FromStore', { ...props, artifactBucket: store.bucket })).not.toThrow();
    const named = new s3.Bucket(new Stack(app, 'Other', { env: { account: BUILD, region: REGION } }), 'Named', { bucketName: naming.artifactBucketName(BUILD) });
    expect(() => new NotifyingPipeline(stack, 'Named', { ...props, artifactBucket: named })).not.toThrow();
    expect(() => new NotifyingPipeline(stack, 'ByName', { ...props, artifactBucket: s3.Bucket.fromBucketName(stack, 'ByNameBucket', naming.artifactBucketName(BUILD)) })).not.toThrow();
  });

  describe('an environment account the artifact store of the app does not admit', () => {
    /** The store (admitting `admitted`) in its own stack, and the pipeline over dev and prod with `bucketOf` the store. */
    function withStore(admitted: string[], bucketOf: (store: EncryptedArtifactStore, stack: Stack) => s3.IBucket = (store) => store.bucket) {
      const app = newApp();
      const env = { account: BUILD, region: REGION };
      const store = new EncryptedArtifactStore(new Stack(app, 'ArtifactStore', { env }), 'ArtifactStore', { naming, targetAccounts: admitted });
      const stack = new Stack(app, 'Pipeline', { env });
      new NotifyingPipeline(stack, 'Pipeline', {
        naming,
        artifactBucket: bucketOf(store, stack),
        artifactKey: store.key,
        source: { owner: 'o', repo: 'r' },
        buildSpec: buildSpec(),
        environments: [dev, prod],
      });
      return { app, store };
    }

    test('fails at synth time, naming the account and how to admit it', () => {
      const { app } = withStore([DEV]);
      expect(() => app.synth()).toThrow(
        `[Pipeline/Pipeline] environments[1].account '${PROD}' (environment 'Prod') is not a target account of the artifact store 'ArtifactStore/ArtifactStore' ` +
        `(target accounts: ${DEV}): its deployment role could not read the pipeline's artifacts, nor its execution role the code assets, ` +
        `so the 'Prod' stage would fail; admit it with store.addTargetAccount('${PROD}')`);
    });

    test('names every environment the store does not admit', () => {
      const { app } = withStore([]);
      expect(() => app.synth()).toThrow(new RegExp(
        `environments\\[0\\]\\.account '${DEV}' \\(environment 'Dev'\\) is not a target account .*\\(target accounts: none\\)[\\s\\S]*` +
        `environments\\[1\\]\\.account '${PROD}' \\(environment 'Prod'\\)`));
    });

    test('passes once the account is added later with addTargetAccount', () => {
      const { app, store } = withStore([DEV]);
      store.addTargetAccount(PROD);
      expect(() => app.synth()).not.toThrow();
    });

    test('is checked too when the pipeline imports the store\'s bucket by name', () => {
      const { app } = withStore([DEV], (_store, stack) => s3.Bucket.fromBucketName(stack, 'ArtifactBucket', naming.artifactBucketName(BUILD)));
      expect(() => app.synth()).toThrow(`environments[1].account '${PROD}' (environment 'Prod') is not a target account of the artifact store 'ArtifactStore/ArtifactStore'`);
    });
  });

  test('fails on an approver group name IAM would refuse, and on a bad pipeline name', () => {
    expect(() => build({ approverGroupName: 'prod approvers' })).toThrow("approverGroupName must be 1 to 128 letters, digits or '+=,.@_-' (an IAM group name), got 'prod approvers'");
    expect(() => build({ pipelineName: 'my pipeline' })).toThrow("pipelineName must be 1 to 100 letters, digits, '.', '@', '_' or '-', got 'my pipeline'");
  });

  test('fails on a buildspec object it cannot extend with the reports section, and says which to use', () => {
    expect(() => build({ buildSpec: codebuild.BuildSpec.fromObjectToYaml({ version: '0.2', phases: {} }) })).toThrow(
      /cannot be extended with the JUnit reports section .*create it with codebuild\.BuildSpec\.fromObject/);
  });

  test('a buildspec file of the repository is used as is', () => {
    const stack = build({ buildSpec: codebuild.BuildSpec.fromSourceFilename('buildspec.yml') });
    expect(Stack.of(stack).resolve((stack.buildProject.node.defaultChild as codebuild.CfnProject).source)).toMatchObject({ buildSpec: 'buildspec.yml' });
  });

  test('the naming convention rejects a bad project name before the pipeline is built', () => {
    expect(() => new CrosswalkNaming({ projectName: '1-bad', region: REGION })).toThrow(/projectName must start with a letter/);
  });
});
