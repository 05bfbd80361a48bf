import { Template } from 'aws-cdk-lib/assertions';
import { PipelineEnvironment } from '../src';
import { BUILD, DEV, PROD, REGION, dev, naming, prod, synthPipeline } from './fixtures';

/**
 * Waves and regions: environments deployed together, in order, across regions of the same
 * accounts, through one pipeline.
 */
const WEST = 'us-west-2';
const WEST_KEY = `arn:aws:kms:${WEST}:${BUILD}:key/0000aaaa-11bb-22cc-33dd-444455556666`;
const STAGING = '444444444444';

const devWest: PipelineEnvironment = { ...dev, name: 'DevWest', region: WEST, stackName: 'Crosswalk-SampleApi-DevWest', templatePath: 'cdk.out/DevWest.template.json' };
const staging: PipelineEnvironment = { ...dev, name: 'Staging', account: STAGING, stackName: 'Crosswalk-SampleApi-Staging', templatePath: 'cdk.out/Staging.template.json' };
const prodWest: PipelineEnvironment = { ...prod, name: 'ProdWest', region: WEST, stackName: 'Crosswalk-SampleApi-ProdWest', templatePath: 'cdk.out/ProdWest.template.json' };

/** Three waves: Dev (two regions), Staging, Prod (two regions, reviewed together). */
const environments: PipelineEnvironment[] = [
  { ...dev, wave: 'Dev' }, { ...devWest, wave: 'Dev' },
  staging,
  { ...prod, wave: 'Prod' }, { ...prodWest, wave: 'Prod' },
];

const fixture = synthPipeline({ environments, regionalArtifactKeyArns: { [WEST]: WEST_KEY } });
const template = Template.fromStack(fixture.stack);
const pipeline = Object.values<any>(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
const stages: any[] = pipeline.Stages;
const stageNames = stages.map((s) => s.Name);
const stage = (name: string) => stages.find((s) => s.Name === name);
const list = (v: any): any[] => (v === undefined ? [] : [].concat(v));
const userParameters = (action: any) => JSON.parse(action.Configuration.UserParameters);

describe('waves', () => {
  test('run in order: no stage of a wave before every stage of the wave before it', () => {
    expect(stageNames).toEqual(['Source', 'Build', 'Dev', 'Staging', 'Prod', 'ProdApproval', 'ProdDeploy', 'ProdWestDeploy']);
    const waveOf = (name: string) => (['Dev'].includes(name) ? 0 : name === 'Staging' ? 1 : name.startsWith('Prod') ? 2 : -1);
    const order = stageNames.slice(2).map(waveOf);
    expect(order).toEqual([...order].sort());
  });

  test('a wave without approval deploys its environments in parallel in one stage, in their regions, then tests, then bakes', () => {
    const actions = stage('Dev').Actions;
    const deploys = actions.filter((a: any) => a.ActionTypeId.Provider === 'CloudFormation');
    expect(deploys.map((a: any) => [a.Name, a.RunOrder, a.Region ?? REGION])).toEqual([['Dev-Deploy', 1, REGION], ['DevWest-Deploy', 1, WEST]]);
    const west = deploys.find((a: any) => a.Name === 'DevWest-Deploy');
    // The deployment and execution roles of that account in that region (IAM names are global, each region has its own).
    expect(west.RoleArn).toBe(`arn:aws:iam::${DEV}:role/Crosswalk-${WEST}-DeploymentRole`);
    expect(west.Configuration.RoleArn).toBe(`arn:aws:iam::${DEV}:role/Crosswalk-${WEST}-CfnExecutionRole`);
    expect(actions.filter((a: any) => a.ActionTypeId.Provider === 'CodeBuild').map((a: any) => [a.Name, a.RunOrder])).toEqual([['Dev-Integration', 2], ['DevWest-Integration', 2]]);
  });

  test('a reviewed wave creates every change set, reviews them in one action, asks one approval, then executes each', () => {
    const first = stage('Prod').Actions;
    expect(first.map((a: any) => [a.Name, a.RunOrder, a.Region ?? REGION])).toEqual([
      ['Prod-CreateChangeSet', 1, REGION], ['ProdWest-CreateChangeSet', 1, REGION], ['Review', 2, REGION],
    ]);
    const review = userParameters(first.find((a: any) => a.Name === 'Review'));
    expect(review).toMatchObject({ check: 'review-wave', wave: 'Prod', region: REGION });
    expect(review.targets.map((t: any) => [t.environment, t.account, t.region])).toEqual([['Prod', PROD, REGION], ['ProdWest', PROD, WEST]]);
    // One approval for the wave, skipped only when the wave's review says no person is needed.
    const approval = stage('ProdApproval');
    expect(approval.Actions.map((a: any) => a.Name)).toEqual(['Approve']);
    expect(approval.BeforeEntry.Conditions[0].Rules[0].Configuration).toEqual({ Variable: '#{ProdReview.ApprovalRequired}', Value: 'true', Operator: 'EQ' });
    expect(approval.Actions[0].Configuration.CustomData).toMatch(/^Prod: one change review of 2 environments \(Prod \(333333333333, eu-west-1\), ProdWest \(333333333333, us-west-2\)\)\. #\{ProdReview\.Summary\}$/);
    // Each environment executes exactly the change set reviewed for it, in its own stage, skipped when empty.
    for (const [env, region] of [['Prod', REGION], ['ProdWest', WEST]]) {
      const deploy = stage(`${env}Deploy`);
      expect(deploy.BeforeEntry.Conditions[0].Rules[0].Configuration.Variable).toBe(`#{ProdReview.${env}Execute}`);
      const verify = userParameters(deploy.Actions.find((a: any) => a.Name === 'VerifyReviewedChangeSet'));
      expect(verify).toMatchObject({ reviewedChangeSetId: `#{ProdReview.${env}ChangeSetId}`, changeSetName: `#{ProdReview.${env}ChangeSetName}`, region });
      const execute = deploy.Actions.find((a: any) => a.Name === 'ExecuteChangeSet');
      expect(execute.Region ?? REGION).toBe(region);
      expect(execute.RoleArn).toBe(`arn:aws:iam::${PROD}:role/Crosswalk-${region}-DeploymentRole`);
    }
  });

  test('the pipeline keeps a cross-region action\'s artifacts in the build account\'s store of that region, its key named by ARN', () => {
    expect(pipeline.ArtifactStore).toBeUndefined();
    const stores = Object.fromEntries(pipeline.ArtifactStores.map((s: any) => [s.Region, s.ArtifactStore]));
    expect(Object.keys(stores).sort()).toEqual([REGION, WEST]);
    expect(stores[WEST]).toEqual({ Type: 'S3', Location: `crosswalk-artifacts-${BUILD}-${WEST}`, EncryptionKey: { Type: 'KMS', Id: WEST_KEY } });
    expect(stores[REGION].Location).toBe(`crosswalk-artifacts-${BUILD}-${REGION}`);
  });

  test('the build may publish code assets to the other region\'s store, under assets/ only', () => {
    const build = Object.values<any>(template.findResources('AWS::IAM::Role'))
      .find((r) => r.Properties.Description?.startsWith('Build of the'));
    const statements = build.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const westObjects = statements.filter((s: any) => list(s.Resource).some((r: any) => typeof r === 'string' && r.startsWith(`arn:aws:s3:::crosswalk-artifacts-${BUILD}-${WEST}/`)));
    expect(westObjects.map((s: any) => s.Resource)).toEqual([`arn:aws:s3:::crosswalk-artifacts-${BUILD}-${WEST}/assets/*`]);
    expect(statements.some((s: any) => list(s.Resource).includes(WEST_KEY))).toBe(true);
  });

  test('the functions of the build account read each region through that region\'s read-only role, and know each by name', () => {
    const checks = Object.values<any>(template.findResources('AWS::IAM::Role', { Properties: { RoleName: naming.pipelineChecksRoleName } }))[0];
    const assume = checks.Properties.Policies[0].PolicyDocument.Statement.find((s: any) => s.Sid === 'ReadTargetAccountsThroughTheirReadOnlyRole');
    expect(list(assume.Resource).sort()).toEqual([
      `arn:aws:iam::${PROD}:role/Crosswalk-${REGION}-ReadOnlyRole`, `arn:aws:iam::${PROD}:role/Crosswalk-${WEST}-ReadOnlyRole`,
    ]);
    const fn = Object.values<any>(template.findResources('AWS::Lambda::Function'))
      .find((f) => f.Properties.Role?.['Fn::GetAtt']?.[0] === Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: naming.pipelineChecksRoleName } }))[0]);
    expect(JSON.parse(fn.Properties.Environment.Variables.READ_ONLY_ROLE_NAME_BY_REGION)).toEqual({
      [REGION]: `Crosswalk-${REGION}-ReadOnlyRole`, [WEST]: `Crosswalk-${WEST}-ReadOnlyRole`,
    });
    const notifier = Object.values<any>(template.findResources('AWS::IAM::Role', { Properties: { RoleName: naming.failureNotifierRoleName } }))[0];
    const reads = notifier.Properties.Policies[0].PolicyDocument.Statement.find((s: any) => s.Sid === 'ReadTargetAccountsThroughTheirReadOnlyRole');
    expect(list(reads.Resource)).toEqual(expect.arrayContaining([`arn:aws:iam::${DEV}:role/Crosswalk-${WEST}-ReadOnlyRole`, `arn:aws:iam::${STAGING}:role/Crosswalk-${REGION}-ReadOnlyRole`]));
  });

  test('the revert\'s change set function writes a region\'s template to that region\'s store, which its deployment role reads', () => {
    const createWest = userParameters(stage('Prod').Actions.find((a: any) => a.Name === 'ProdWest-CreateChangeSet'));
    expect(createWest).toMatchObject({ check: 'create-change-set', region: WEST, templateBucket: `crosswalk-artifacts-${BUILD}-${WEST}`, executionRoleArn: `arn:aws:iam::${PROD}:role/Crosswalk-${WEST}-CfnExecutionRole` });
    const role = Object.values<any>(template.findResources('AWS::IAM::Role', { Properties: { RoleName: naming.changeSetRoleName } }))[0];
    const statements = role.Properties.Policies[0].PolicyDocument.Statement;
    expect(list(statements.find((s: any) => s.Sid === 'CreateChangeSetsThroughTheDeploymentRole').Resource).sort()).toEqual([
      `arn:aws:iam::${PROD}:role/Crosswalk-${REGION}-DeploymentRole`, `arn:aws:iam::${PROD}:role/Crosswalk-${WEST}-DeploymentRole`,
    ]);
    expect(list(statements.find((s: any) => s.Sid === 'WriteTheTemplates').Resource)).toContain(`arn:aws:s3:::crosswalk-artifacts-${BUILD}-${WEST}/Crosswalk-pipeline/change-sets/*`);
    expect(statements.find((s: any) => s.Sid === 'TheRegionsArtifactKeys').Resource).toBe(WEST_KEY);
  });
});

describe('wave validation', () => {
  test('a wave\'s environments must be consecutive', () => {
    expect(() => synthPipeline({ environments: [{ ...dev, wave: 'Early' }, staging, { ...devWest, wave: 'Early' }], regionalArtifactKeyArns: { [WEST]: WEST_KEY } }))
      .toThrow(/environments\[2\] \('DevWest'\) is in wave 'Early', but does not follow the wave's other environments/);
  });

  test('a wave\'s environments must agree on what their shared stages decide', () => {
    expect(() => synthPipeline({ environments: [{ ...dev, wave: 'All' }, { ...prod, wave: 'All' }] }))
      .toThrow(/environments\[1\] \('Prod'\) and environments\[0\] \('Dev'\) are both in wave 'All' but disagree on requireApproval/);
    expect(() => synthPipeline({ environments: [{ ...dev, wave: 'All' }, { ...staging, wave: 'All', deploymentWindow: { cron: '* 0-59 9-16 ? * MON-THU' } }] }))
      .toThrow(/disagree on deploymentWindow/);
  });

  test('a wave named like another wave\'s stage is refused', () => {
    expect(() => synthPipeline({ environments: [{ ...dev, wave: 'Dev' }, { ...devWest, wave: 'Dev' }, { ...prod, name: 'Dev2', wave: 'ProdWestDeploy' }, { ...prodWest, wave: 'ProdWestDeploy' }], regionalArtifactKeyArns: { [WEST]: WEST_KEY } }))
      .toThrow(/needs a stage named 'ProdWestDeploy'/);
  });
});

describe('pipeline size', () => {
  test('more stages than a pipeline holds (50) is refused at synth, with the fix', () => {
    // 17 reviewed environments of their own need 3 stages each: 51, with Source and Build 53.
    const many: PipelineEnvironment[] = Array.from({ length: 17 }, (_, i) => ({ ...prod, name: `Prod${i}`, stackName: `Crosswalk-SampleApi-Prod${i}` }));
    expect(() => synthPipeline({ environments: many })).toThrow(/the environments need 53 stages \(Source and Build included\), but a pipeline holds at most 50/);
    // The same environments as one wave fit: one review, one approval, one execution stage each.
    expect(() => synthPipeline({ environments: many.slice(0, 16).map((e) => ({ ...e, wave: 'Prod' })) })).not.toThrow();
  });
});
