import { App, Validations } from 'aws-cdk-lib';
import { DeployRules } from '@crosswalk/deploy-rules';
import { ConfigError, EXAMPLE_WAVES_OVERRIDES, PartialConfig, deliveryTargets, loadConfig } from '../../src/config';
import { addBuildAccountStacks, addFoundationStacks, namingOf, regionsAwaitingArtifactKey } from '../../src/stacks';
import { synthesizeBuildAccount, unacknowledgedFindings } from './synth';

/**
 * The example's three-wave, two-region variant: dev; staging in eu-west-1 and us-west-2; prod
 * in both, reviewed once for the wave.
 */
const config = loadConfig(EXAMPLE_WAVES_OVERRIDES, {});
const WEST = 'us-west-2';

/** Problems of a config with these overrides over the waves variant. */
function problemsOf(overrides: Record<string, unknown>): readonly string[] {
  try {
    loadConfig({ ...EXAMPLE_WAVES_OVERRIDES, ...overrides } as PartialConfig, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('the waves form of the config', () => {
  test('five targets in three waves: each environment of each region, with the settings it extends and its own over them', () => {
    expect(deliveryTargets(config).map((t) => [t.wave, t.stageName, t.account, t.region, t.stackSuffix, t.settings.trafficShift])).toEqual([
      ['Dev', 'Dev', '222222222222', 'eu-west-1', 'dev', 'AllAtOnce'],
      ['Staging', 'Staging', '444444444444', 'eu-west-1', 'staging', 'Canary10Percent5Minutes'],
      ['Staging', 'StagingUsWest2', '444444444444', WEST, `staging-${WEST}`, 'Canary10Percent5Minutes'],
      ['Prod', 'Prod', '333333333333', 'eu-west-1', 'prod', 'Linear10PercentEvery1Minute'],
      ['Prod', 'ProdUsWest2', '333333333333', WEST, `prod-${WEST}`, 'Linear10PercentEvery1Minute'],
    ]);
  });

  test('the two-environment config still means dev then prod, in the config region, as before', () => {
    const today = loadConfig(undefined, {});
    expect(deliveryTargets(today).map((t) => [t.wave, t.stageName, t.account, t.region, t.stackSuffix, t.sharesWave])).toEqual([
      ['Dev', 'Dev', today.accounts.dev, today.region, 'dev', false],
      ['Prod', 'Prod', today.accounts.prod, today.region, 'prod', false],
    ]);
  });

  test('every problem of a wave is named with its field, value and fix', () => {
    const wave = (environments: unknown[], name = 'Extra') => ({ waves: [...EXAMPLE_WAVES_OVERRIDES.waves!, { name, environments }] });
    expect(problemsOf(wave([{ name: 'prod', account: '555555555555', extends: 'prod' }]))).toEqual([
      expect.stringMatching(/^waves\[3\]\.environments\[0\]\.name 'prod' is already the name of waves\[2\]\.environments\[0\]/),
    ]);
    expect(problemsOf(wave([{ name: 'qa', account: '111111111111', extends: 'dev' }]))).toEqual([
      expect.stringMatching(/^waves\[3\]\.environments\[0\]\.account is the build account 111111111111/),
    ]);
    expect(problemsOf(wave([{ name: 'qa', account: '555555555555', extends: 'staging' }]))).toEqual([
      "waves[3].environments[0].extends must be 'dev' or 'prod' (the environment whose settings it starts from and whose suite it runs), got 'staging'",
    ]);
    expect(problemsOf(wave([{ name: 'qa', account: '555555555555', regions: ['cn-north-1'], extends: 'dev' }]))).toEqual([
      expect.stringMatching(/^waves\[3\]\.environments\[0\]\.regions\[0\] 'cn-north-1' is in the aws-cn partition, but the config's region eu-west-1 is in aws/),
    ]);
    expect(problemsOf(wave([{ name: 'qa', account: '555555555555', extends: 'dev' }], 'Prod'))).toEqual([
      expect.stringMatching(/^waves\[3\]\.name 'Prod' is already the name of waves\[2\]/),
    ]);
    // A stage decides for every environment of its wave.
    expect(problemsOf(wave([{ name: 'qa', account: '555555555555', extends: 'dev' }, { name: 'uat', account: '666666666666', extends: 'prod' }]))).toEqual([
      expect.stringMatching(/^waves\[3\]\.environments\[1\] and waves\[3\]\.environments\[0\] are in one wave but their requireApproval differs/),
      expect.stringMatching(/their rollbackOnFailure differs/),
    ]);
    // The settings a wave environment ends up with are checked like environments.<name>'s.
    expect(problemsOf(wave([{ name: 'qa', account: '555555555555', extends: 'dev', autoApprove: 'lowRisk' }]))).toEqual([
      'waves[3].environments[0].autoApprove needs requireApproval: true (it decides when a reviewed change needs no person); remove it or set requireApproval',
    ]);
  });

  test('the key of another region\'s store must be a key ARN of the build account in that region; a region no environment uses is refused', () => {
    expect(problemsOf({ regions: { [WEST]: { artifactKeyArn: `arn:aws:kms:${WEST}:111111111111:alias/Crosswalk/${WEST}/artifacts` } } })).toEqual([
      expect.stringMatching(/^regions\.us-west-2\.artifactKeyArn must be the ARN of a KMS key of the build account 111111111111 in us-west-2.*an alias is not enough/),
    ]);
    expect(problemsOf({ regions: { 'eu-central-1': { artifactKeyArn: 'arn:aws:kms:eu-central-1:111111111111:key/x' } } })).toEqual([
      'regions.eu-central-1 is not a region an environment of waves is in; remove it (regions in use: us-west-2)',
    ]);
  });
});

describe('the stacks of the waves variant', () => {
  const synth = synthesizeBuildAccount(config);
  const pipeline = () => Object.values<any>(synth.template(synth.stacks.pipeline).Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline').Properties;

  test('one artifact store per region and one roles stack per account and region, each in its own account and region', () => {
    expect(Object.keys(synth.stacks.regionalArtifactStores)).toEqual([WEST]);
    expect(synth.stacks.regionalArtifactStores[WEST].stackName).toBe(`Crosswalk-ArtifactStore-${WEST}`);
    expect(synth.stacks.regionalArtifactStores[WEST].region).toBe(WEST);
    expect(Object.values(synth.stacks.deploymentRoles).map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['CrosswalkDeploymentRoles-dev', '222222222222', 'eu-west-1'],
      ['CrosswalkDeploymentRoles-staging', '444444444444', 'eu-west-1'],
      [`CrosswalkDeploymentRoles-staging-${WEST}`, '444444444444', WEST],
      ['CrosswalkDeploymentRoles-prod', '333333333333', 'eu-west-1'],
      [`CrosswalkDeploymentRoles-prod-${WEST}`, '333333333333', WEST],
    ]);
    // Each store admits the accounts of its region's environments.
    expect(synth.stacks.artifactStore.store.targetAccounts.sort()).toEqual(['222222222222', '333333333333', '444444444444']);
    expect(synth.stacks.regionalArtifactStores[WEST].store.targetAccounts.sort()).toEqual(['333333333333', '444444444444']);
  });

  test('the pipeline runs the waves in order, the regions of a wave together, and names the other region\'s key by the config\'s ARN', () => {
    const stages = pipeline().Stages.map((s: any) => s.Name);
    expect(stages).toEqual(['Source', 'Build', 'SelfUpdate', 'SelfUpdateApproval', 'ArtifactStoreDeploy', 'PipelineDeploy', 'Dev', 'Staging', 'Prod', 'ProdApproval', 'ProdDeploy', 'ProdUsWest2Deploy']);
    const staging = pipeline().Stages.find((s: any) => s.Name === 'Staging');
    expect(staging.Actions.filter((a: any) => a.ActionTypeId.Provider === 'CloudFormation').map((a: any) => [a.Name, a.Region ?? 'eu-west-1'])).toEqual([
      ['Staging-Deploy', 'eu-west-1'], ['StagingUsWest2-Deploy', WEST],
    ]);
    const west = pipeline().ArtifactStores.find((s: any) => s.Region === WEST).ArtifactStore;
    expect(west.EncryptionKey.Id).toBe(config.regions![WEST].artifactKeyArn);
    expect(west.Location).toBe(namingOf(config).forRegion(WEST).artifactBucketName('111111111111'));
  });

  test('no unacknowledged finding of AwsSolutions or the deploy rules across the regions', () => {
    expect(unacknowledgedFindings(synth.report)).toEqual([]);
    const app = new App({ builtinCloudFormationValidation: false });
    Validations.of(app).addPlugins(new DeployRules({ naming: namingOf(config) }));
    addBuildAccountStacks(app, config);
    expect(() => app.synth()).not.toThrow();
  });

  test('without the other region\'s key ARN the pipeline waits: the stores and roles synthesize, the pipeline stack is refused with the fix', () => {
    const awaiting = loadConfig({ ...EXAMPLE_WAVES_OVERRIDES, regions: {} }, {});
    expect(regionsAwaitingArtifactKey(awaiting)).toEqual([WEST]);
    expect(() => addBuildAccountStacks(new App(), awaiting)).toThrow(/regions\.us-west-2\.artifactKeyArn is not set.*deploy Crosswalk-ArtifactStore-us-west-2 first.*copy its ArtifactKeyArn output there/s);
    const app = new App({ builtinCloudFormationValidation: false });
    const foundation = addFoundationStacks(app, awaiting);
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName)).toContain(`Crosswalk-ArtifactStore-${WEST}`);
    expect(assembly.stacks.map((s) => s.stackName)).not.toContain('Crosswalk-Pipeline');
    expect(assembly.getStackByName(foundation.regionalArtifactStores[WEST].stackName).template.Outputs.ArtifactKeyArn).toBeDefined();
  });
});
