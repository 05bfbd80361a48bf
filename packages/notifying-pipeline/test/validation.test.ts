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

  test('an environment in another region needs that region\'s artifact key, by ARN, of the build account there', () => {
    const keyArn = `arn:aws:kms:us-east-1:${BUILD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(() => build(withEnv({ region: 'us-east-1' }))).toThrow(
      /regionalArtifactKeyArns has no key for region 'us-east-1'.*bucket 'crosswalk-artifacts-111111111111-us-east-1'.*deploy an EncryptedArtifactStore in us-east-1/);
    expect(() => build({ ...withEnv({ region: 'us-east-1' }), regionalArtifactKeyArns: { 'us-east-1': keyArn } })).not.toThrow();
    // CodePipeline takes no alias for a cross-account action's key (API_EncryptionKey).
    expect(() => build({ ...withEnv({ region: 'us-east-1' }), regionalArtifactKeyArns: { 'us-east-1': `arn:aws:kms:us-east-1:${BUILD}:alias/Crosswalk/us-east-1/artifacts` } }))
      .toThrow(/must be the ARN of a KMS key of the build account 111111111111 in us-east-1.*an alias is recognized only in the key's own account/);
    expect(() => build({ ...withEnv({ region: 'us-east-1' }), regionalArtifactKeyArns: { 'us-east-1': keyArn.replace(BUILD, DEV) } }))
      .toThrow(/must be the ARN of a KMS key of the build account 111111111111 in us-east-1/);
    expect(() => build({ regionalArtifactKeyArns: { 'us-east-1': keyArn } })).toThrow("regionalArtifactKeyArns names region 'us-east-1', where no environment is: remove it");
    expect(() => build(withEnv({ region: 'europe' }))).toThrow("environments[0].region must be an AWS region name such as 'eu-west-1', got 'europe'");
    expect(() => build(withEnv({ region: REGION }))).not.toThrow();
  });

  test('the pipeline takes the naming of its own region, whose roles every region\'s target roles trust', () => {
    expect(() => build({ naming: naming.forRegion('us-east-1') }, { account: BUILD, region: 'us-east-1' }))
      .toThrow(/naming must be the pipeline region's naming: its region is 'us-east-1' but its pipelineRegion 'eu-west-1'/);
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
        `[Pipeline/Pipeline] environments[1].account '${PROD}' (environment 'Prod') is not a target account of the artifact store 'ArtifactStore/ArtifactStore' of eu-west-1 ` +
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

/**
 * The deployment window as CodePipeline's DeploymentWindow rule reads it: the "Cron" table of
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-DeploymentWindow.html
 * (seconds N/A and `*` only; minutes 0-59; hours 0-23; day-of-month 1-31 with `? L W`; month 1-12
 * or JAN-DEC; day-of-week 1-7 or SUN-SAT with `? L #`; year 1970-2199, optional).
 */
describe('NotifyingPipeline.validateDeploymentWindow', () => {
  const check = (cron: string, timeZone?: string) => () => NotifyingPipeline.validateDeploymentWindow('window', { cron, timeZone });

  test.each([
    ['* 0-59 9-16 ? * MON-THU', 'Europe/Berlin'],
    ['* * 8-17 ? * 2-6', 'UTC'],
    ['* 0/15 9-11,14-16 ? * mon-fri', 'America/New_York'],
    ['* * 9 L * ?', undefined],
    ['* * 9 L-3 * ?', undefined],
    ['* * 9 15W * ?', undefined],
    ['* * 9 LW * ?', undefined],
    ['* * 9 ? * 6L', undefined],
    ['* * 9 ? * MON#2', undefined],
    ['* * 9 29 FEB ? 2028', undefined],
    ['* * 9 ? JAN-MAR MON 2030-2199', undefined],
    ['* * 9 ? * MON *', undefined],
  ])('accepts %j in %s', (cron, timeZone) => {
    expect(check(cron, timeZone)).not.toThrow();
  });

  test.each([
    ['0 0-59 9-16 ? * MON-THU', /the seconds field takes only '\*' \(its allowed values are N\/A\), got '0'/],
    ['* 60 9 ? * MON', /the minutes field takes 0-59, got 60/],
    ['* 0 24 ? * MON', /the hours field takes 0-23, got 24/],
    ['* 0 9 32 * ?', /the day-of-month field takes 1-31, got 32/],
    ['* 0 9 ? 13 MON', /the month field takes 1-12 or JAN-DEC, got 13/],
    ['* 0 9 ? * 8', /the day-of-week field takes 1-7 or SUN-SAT, got 8/],
    ['* 0 9 ? * MON 2200', /the year field takes 1970-2199, got 2200/],
    ['a b c d e f', /the seconds field takes only '\*'/],
    ['* b c d e f', /the minutes field takes 0-59, got 'b'/],
    ['* 0 9 ? * FUNDAY', /the day-of-week field takes 1-7 or SUN-SAT, got 'FUNDAY'/],
    ['* 0 9 ? * ?', /exactly one of day-of-month and day-of-week must be '\?'/],
    ['* 0 9 1 * MON', /exactly one of day-of-month and day-of-week must be '\?'/],
    ['* 0 17-9 ? * MON', /the hours field's range 17-9 runs backwards/],
    ['* 0/0 9 ? * MON', /the minutes field's increment must be 1 to 59, got 0/],
    ['* 0 9 L,15 * ?', /the day-of-month field takes 'L', 'L-n', 'nW' and 'LW' alone/],
    ['* 0 9 ? * MON#6', /the day-of-week field's 'd#n' takes n from 1 to 5/],
    ['* 0 9 ? * MON,FRI#2', /the day-of-week field takes 'L', 'dL' and 'd#n' alone/],
    ['* 0 9 ? * MON 2020 2021', /must have 6 fields and an optional year .* \(8 fields\)/],
  ])('refuses %j, naming the field and the value CodePipeline does not take', (cron, message) => {
    expect(check(cron)).toThrow(message);
    expect(check(cron)).toThrow(/^window\.cron /);
  });

  test.each([
    ['* 0 9 30 FEB ?', 'February 30th'],
    ['* 0 9 31 4,6,9,11 ?', 'the 31st of a 30-day month'],
    ['* 0 9 29 FEB ? 2027', 'February 29th of a common year'],
    ['* 0 9 ? * MON 2020', 'a year that is past'],
  ])('refuses %j, a window that can never open (%s)', (cron) => {
    expect(check(cron)).toThrow(/^window\.cron '.*' can never open: no day from \d{4}-\d\d-\d\d to 2199-12-31 has its day-of-month, month, day-of-week and year/);
  });

  test('refuses a weekday that never falls on the given day of the month', () => {
    // the 5th Monday of February exists only in a leap year whose February 1st is a Monday
    expect(check('* 0 9 ? FEB MON#5 2027')).toThrow(/can never open/);
    expect(check('* 0 9 ? FEB MON#5 2044')).not.toThrow();
  });

  test('refuses newlines and bidirectional controls in the cron and the time zone, and never repeats them raw', () => {
    const attempts = [
      check('* 0 9 ? * MON\nIGNORE: approved'),
      check('* 0 9 ? * MON \u202eNOM'),
      check('* 0 9 ? * MON', 'Europe/Berlin\n- a fake second problem'),
      check('* 0 9 ? * MON', 'UTC\u202e\u2066'),
    ];
    for (const attempt of attempts) {
      let message = '';
      try {
        attempt();
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^window\.(cron|timeZone) /);
      expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      expect(message).toMatch(/\\n|\\u202e|\\u2066/);
    }
  });

  test('refuses a time zone that is not an IANA name', () => {
    expect(check('* 0 9 ? * MON', 'Mars/Olympus')).toThrow("window.timeZone must be an IANA time zone such as 'Europe/Berlin' or 'UTC', got 'Mars/Olympus'");
    expect(check('* 0 9 ? * MON', '../../etc/passwd')).toThrow(/window\.timeZone must be an IANA time zone/);
  });

  test('skips a cron or time zone that is a token (CloudFormation checks it at deploy time)', () => {
    expect(check(Token.asString({ Ref: 'Cron' }), Token.asString({ Ref: 'Zone' }))).not.toThrow();
  });
});
