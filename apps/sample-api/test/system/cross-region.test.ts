import { App } from 'aws-cdk-lib';
import { DeploymentRolesStack, EXAMPLE_WAVES_OVERRIDES, addFoundationStacks, deliveryTargets, loadConfig } from '@crosswalk/build-account';
import { planAssetUploads } from '@crosswalk/cli';
import { Caller, evaluate, evaluateAll } from './policy';
import { FoundRole, bucketPolicy, findKey, findRole } from './roles';
import { BothApps, synthesizeBothApps } from './synth-both';
import { DeployedStack, World } from './world';

/** The stages of the self-update, which deploy the build account's own stacks. */
const SELF_UPDATE_STAGES = ['SelfUpdate', 'SelfUpdateApproval', 'ArtifactStoreDeploy', 'PipelineDeploy'];

/**
 * The cross-account walk over the example's three-wave, two-region variant: every action the
 * pipeline runs in another account, in either region, proven on both sides (the role's trust
 * and identity policies in the target account, the artifact store's bucket and key policies
 * of that action's region in the build account), and every function's code read from its own
 * region's store.
 */

/** Requests to S3 arrive over TLS 1.3, as the AWS CLI and the services send them. */
const S3_CONTEXT = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
const BUILD = '111111111111';

let both: BothApps;
let pipeline: any;
let pipelineRole: FoundRole;
let actions: Array<{ stage: string; action: any }>;

/**
 * The variant's config with the key ARN the operator copies from each other region's store
 * once it is deployed: here, the ARN the modelled world gives that store's key.
 */
function configWithDeployedKeys() {
  const draft = loadConfig(EXAMPLE_WAVES_OVERRIDES, {});
  const app = new App({ builtinCloudFormationValidation: false });
  const foundation = addFoundationStacks(app, draft);
  const assembly = app.synth();
  const regions = Object.fromEntries(Object.entries(foundation.regionalArtifactStores).map(([region, stack]) => {
    const template = assembly.getStackByName(stack.stackName).template;
    const world = new World([{ stackName: stack.stackName, account: stack.account, region, template }]);
    const [[keyId]] = world.resourcesOf(world.stacks[0], 'AWS::KMS::Key');
    return [region, { artifactKeyArn: world.resourceArn(world.stacks[0], keyId) }];
  }));
  return loadConfig({ ...EXAMPLE_WAVES_OVERRIDES, regions }, {});
}

beforeAll(() => {
  both = synthesizeBothApps(configWithDeployedKeys());
  const stack = both.deployed(both.build.pipeline);
  const [[, resource]] = both.world.resourcesOf(stack, 'AWS::CodePipeline::Pipeline');
  pipeline = both.world.resolve(stack, resource.Properties);
  pipelineRole = findRole(both.world, pipeline.RoleArn)!;
  // The actions toward the environments; the self-update's (the build account's own stacks) are walked in self-update.test.ts.
  actions = pipeline.Stages.filter((s: any) => !SELF_UPDATE_STAGES.includes(s.Name))
    .flatMap((s: any) => s.Actions.map((action: any) => ({ stage: s.Name, action })));
}, 180_000);

const home = () => both.config.region;
const roleCaller = (role: FoundRole): Caller => ({ account: role.stack.account, arn: role.arn });
/** The artifact store CodePipeline uses for actions in a region: bucket, bucket policy, key and its policy. */
function storeOf(region: string) {
  const entry = pipeline.ArtifactStores.find((s: any) => s.Region === region);
  expect(entry).toBeDefined();
  const bucketName: string = entry.ArtifactStore.Location;
  const keyArn: string = entry.ArtifactStore.EncryptionKey.Id;
  const key = findKey(both.world, keyArn);
  expect({ region, keyFound: key !== undefined }).toEqual({ region, keyFound: true });
  return { bucketName, bucketArn: `arn:aws:s3:::${bucketName}`, policy: bucketPolicy(both.world, bucketName), keyArn, key: key! };
}

describe('one pipeline across two regions', () => {
  test('every CloudFormation action in another account runs as the deployment role of its account and region', () => {
    const deploys = actions.filter(({ action }) => action.ActionTypeId.Provider === 'CloudFormation');
    expect(deploys.map(({ stage, action }) => `${stage}/${action.Name}@${action.Region ?? home()}`)).toEqual([
      'Dev/Deploy@eu-west-1',
      'Staging/Staging-Deploy@eu-west-1', 'Staging/StagingUsWest2-Deploy@us-west-2',
      'ProdDeploy/ExecuteChangeSet@eu-west-1', 'ProdUsWest2Deploy/ExecuteChangeSet@us-west-2',
    ]);
    for (const { action } of deploys) {
      const region = action.Region ?? home();
      const role = findRole(both.world, action.RoleArn)!;
      expect(role).toBeDefined();
      expect({ arn: action.RoleArn, region: role.stack.region }).toEqual({ arn: action.RoleArn, region });
      // Both sides of the assume: the pipeline role may, and the role trusts it (by the one pipeline region's name).
      expect(evaluateAll(pipelineRole.identityPolicies, { action: 'sts:AssumeRole', resource: role.arn })).toBe('allow');
      expect(evaluate(role.trustPolicy, { action: 'sts:AssumeRole', resource: role.arn, caller: roleCaller(pipelineRole) })).toBe('allow');
      if (action.Configuration.RoleArn !== undefined) {
        const execution = findRole(both.world, action.Configuration.RoleArn)!;
        expect(execution.stack.region).toBe(region);
        expect(evaluateAll(role.identityPolicies, { action: 'iam:PassRole', resource: execution.arn, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } })).toBe('allow');
      }
      const stackArn = `arn:aws:cloudformation:${region}:${role.stack.account}:stack/${action.Configuration.StackName}/0a1b2c3d`;
      const verbs = action.Configuration.ActionMode === 'CHANGE_SET_EXECUTE' ? ['cloudformation:ExecuteChangeSet'] : ['cloudformation:DescribeStacks'];
      for (const verb of verbs) expect({ verb, d: evaluateAll(role.identityPolicies, { action: verb, resource: stackArn }) }).toEqual({ verb, d: 'allow' });
      // Never a stack of the other region: each region's roles act in their own.
      const other = region === home() ? 'us-west-2' : home();
      expect(evaluateAll(role.identityPolicies, { action: verbs[0], resource: stackArn.replace(`:${region}:`, `:${other}:`) })).toBe('implicit-deny');
    }
  });

  test('each deployment role reads the artifacts of its region\'s store, where CodePipeline puts its action\'s input: both sides, bucket and key', () => {
    for (const { action } of actions.filter(({ action: a }) => a.ActionTypeId.Provider === 'CloudFormation')) {
      const region = action.Region ?? home();
      const store = storeOf(region);
      const role = findRole(both.world, action.RoleArn)!;
      const artifact = `${store.bucketArn}/Crosswalk-pipeline/BuildOutpu/a1b2c3`;
      expect({ region, identity: evaluateAll(role.identityPolicies, { action: 's3:GetObject', resource: artifact, context: S3_CONTEXT }) }).toEqual({ region, identity: 'allow' });
      expect({ region, resource: evaluate(store.policy, { action: 's3:GetObject', resource: artifact, caller: roleCaller(role), context: S3_CONTEXT }) }).toEqual({ region, resource: 'allow' });
      const keyContext = { 'kms:ResourceAliases': store.key.aliases };
      expect({ region, identity: evaluateAll(role.identityPolicies, { action: 'kms:Decrypt', resource: store.keyArn, context: keyContext }) }).toEqual({ region, identity: 'allow' });
      expect({ region, resource: evaluate(store.key.policy, { action: 'kms:Decrypt', resource: store.keyArn, caller: roleCaller(role), context: keyContext }) }).toEqual({ region, resource: 'allow' });
    }
  });

  test('the pipeline role may write each region\'s store and use its key (its own account: identity policy)', () => {
    for (const region of [home(), 'us-west-2']) {
      const store = storeOf(region);
      for (const verb of ['s3:PutObject', 's3:GetObject']) {
        expect({ region, verb, d: evaluateAll(pipelineRole.identityPolicies, { action: verb, resource: `${store.bucketArn}/Crosswalk-pipeline/x`, context: S3_CONTEXT }) }).toEqual({ region, verb, d: 'allow' });
      }
      for (const verb of ['kms:Decrypt', 'kms:GenerateDataKey']) {
        expect({ region, verb, d: evaluateAll(pipelineRole.identityPolicies, { action: verb, resource: store.keyArn }) }).toEqual({ region, verb, d: 'allow' });
      }
    }
  });

  test('every function takes its code from its own region\'s store, which that region\'s execution role may read (both sides)', () => {
    const targets = deliveryTargets(both.config);
    expect(Object.keys(both.service).sort()).toEqual(targets.map((t) => t.stackSuffix).sort());
    for (const target of targets) {
      const stack: DeployedStack = both.deployed(both.service[target.stackSuffix]);
      expect(stack.region).toBe(target.region);
      const store = storeOf(target.region);
      const execution = findRole(both.world, both.build.pipeline.naming.forRegion(target.region).executionRoleArn(target.account))!;
      expect(execution.stack.stackName).toBe(DeploymentRolesStack.stackNameFor(both.config, target));
      for (const [id, fn] of both.world.resourcesOf(stack, 'AWS::Lambda::Function')) {
        const code = both.world.resolve(stack, fn.Properties.Code);
        expect({ id, bucket: code.S3Bucket }).toEqual({ id, bucket: store.bucketName });
        const object = `${store.bucketArn}/${code.S3Key}`;
        expect({ id, identity: evaluateAll(execution.identityPolicies, { action: 's3:GetObject', resource: object, context: S3_CONTEXT }) }).toEqual({ id, identity: 'allow' });
        expect({ id, resource: evaluate(store.policy, { action: 's3:GetObject', resource: object, caller: roleCaller(execution), context: S3_CONTEXT }) }).toEqual({ id, resource: 'allow' });
      }
    }
  });

  test('the build stage publishes each stack\'s code to the store of its region', () => {
    const stacks = Object.values(both.service);
    const uploads = planAssetUploads(both.outdir, stacks.map((s) => s.stackName)).planned;
    const buckets = new Set(uploads.map((u) => u.bucketName));
    expect([...buckets].sort()).toEqual([`crosswalk-artifacts-${BUILD}-eu-west-1`, `crosswalk-artifacts-${BUILD}-us-west-2`]);
  });

  test('the change set function and the checks reach each region through that region\'s roles, which trust them', () => {
    const naming = both.build.pipeline.naming;
    const changeSetRole = findRole(both.world, naming.changeSetRoleArn(BUILD))!;
    const checksRole = findRole(both.world, naming.pipelineChecksRoleArn(BUILD))!;
    for (const region of [home(), 'us-west-2']) {
      const regional = naming.forRegion(region);
      const deployment = findRole(both.world, regional.deploymentRoleArn('333333333333'))!;
      const readOnly = findRole(both.world, regional.readOnlyRoleArn('333333333333'))!;
      expect(evaluateAll(changeSetRole.identityPolicies, { action: 'sts:AssumeRole', resource: deployment.arn })).toBe('allow');
      expect(evaluate(deployment.trustPolicy, { action: 'sts:AssumeRole', resource: deployment.arn, caller: roleCaller(changeSetRole) })).toBe('allow');
      expect(evaluateAll(checksRole.identityPolicies, { action: 'sts:AssumeRole', resource: readOnly.arn })).toBe('allow');
      expect(evaluate(readOnly.trustPolicy, { action: 'sts:AssumeRole', resource: readOnly.arn, caller: roleCaller(checksRole) })).toBe('allow');
    }
  });
});
