import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { BuildAccountDeploymentRoles, CrossAccountDeploymentRoles, CrosswalkNaming, ServiceStackSynthesizer, TargetAccountSynthesizer } from '@crosswalk/cross-account-role';
import { EncryptedArtifactStore } from '@crosswalk/encrypted-artifact-store';
import { NotifyingPipeline } from '../src';

// The example's `new App()` stays verbatim; the test reads no validation report, so it does
// without aws-cdk-lib's built-in CloudFormation template validation (warnings only, and
// ~2.5 s to load its WebAssembly; see newApp in fixtures.ts). process.env is this file's own.
process.env.CDK_VALIDATION = 'false';

describe('NotifyingPipeline with EncryptedArtifactStore (the README example)', () => {
  test('the store\'s bucket and key work as is, and no bucket or key policy names a target role as principal', () => {
    // The README's minimal example, verbatim but for the assertions.
    const app = new App();
    const naming = new CrosswalkNaming({ projectName: 'Crosswalk', region: 'eu-west-1' });
    const stack = new Stack(app, 'Pipeline', { env: { account: '111111111111', region: naming.region } });
    const store = new EncryptedArtifactStore(stack, 'ArtifactStore', {
      naming,
      targetAccounts: ['222222222222', '333333333333'],
    });
    const pipeline = new NotifyingPipeline(stack, 'Pipeline', {
      naming,
      artifactBucket: store.bucket,
      artifactKey: store.key,
      source: { owner: 'my-org', repo: 'crosswalk', branch: 'main' },
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: { build: { commands: ['npm ci', 'npx projen build'] } },
        artifacts: { files: ['**/*'] },
      }),
      environments: [
        {
          name: 'Dev',
          account: '222222222222',
          stackName: 'Crosswalk-SampleApi-Dev',
          templatePath: 'apps/sample-api/cdk.out/Dev.template.json',
          outputs: ['ApiUrl'],
          tests: [{ name: 'Integration', commands: ['npm ci'], environmentFromOutputs: { API_URL: 'ApiUrl' } }],
        },
        {
          name: 'Prod',
          account: '333333333333',
          stackName: 'Crosswalk-SampleApi-Prod',
          templatePath: 'apps/sample-api/cdk.out/Prod.template.json',
          requireApproval: true,
          outputs: ['ApiUrl'],
          tests: [{ name: 'Sanity', commands: ['npm ci'], environmentFromOutputs: { API_URL: 'ApiUrl' } }],
        },
      ],
      notificationEmails: ['team@example.com'],
    });

    const template = Template.fromStack(stack);
    expect(pipeline.pipeline.stages.map((s) => s.stageName)).toEqual(['Source', 'Build', 'Dev', 'Prod', 'ProdApproval', 'ProdDeploy']);
    // Cross-account grants in the store's policies use account principals (narrowed by a
    // condition on aws:PrincipalArn); no statement has a target role as its principal.
    const resourcePolicies = [
      ...Object.values(template.findResources('AWS::S3::BucketPolicy')).map((r: any) => r.Properties.PolicyDocument),
      ...Object.values(template.findResources('AWS::KMS::Key')).map((r: any) => r.Properties.KeyPolicy),
      ...Object.values(template.findResources('AWS::SNS::TopicPolicy')).map((r: any) => r.Properties.PolicyDocument),
    ];
    const principals = resourcePolicies.flatMap((doc) => doc.Statement.map((s: any) => JSON.stringify(s.Principal)));
    expect(principals.filter((p) => /:role\//.test(p))).toEqual([]);
    expect(app.node.children.filter((c) => c instanceof Stack)).toHaveLength(1);
  });

  test('the self-update example: the stages it names, the pipeline\'s code planned to the artifact bucket, every role under the build boundary', () => {
    // The README's "The pipeline updates itself" example, verbatim but for the assertions.
    const app = new App();
    const naming = new CrosswalkNaming({ projectName: 'Crosswalk', region: 'eu-west-1' });
    const env = { account: '111111111111', region: naming.region };
    const roles = new Stack(app, 'BuildRoles', { stackName: 'CrosswalkDeploymentRoles-build', env, synthesizer: new TargetAccountSynthesizer() });
    new BuildAccountDeploymentRoles(roles, 'Roles', { naming });
    const storeStack = new Stack(app, 'Store', { stackName: 'Crosswalk-ArtifactStore', env, synthesizer: new TargetAccountSynthesizer() });
    const store = new EncryptedArtifactStore(storeStack, 'ArtifactStore', { naming, targetAccounts: ['222222222222'] });
    const stack = new Stack(app, 'Pipeline', {
      stackName: 'Crosswalk-Pipeline',
      env,
      synthesizer: new ServiceStackSynthesizer({ naming, buildAccountId: env.account }),
    });
    const pipeline = new NotifyingPipeline(stack, 'Pipeline', {
      naming,
      artifactBucket: store.bucket,
      artifactKey: store.key,
      source: { owner: 'my-org', repo: 'service' },
      buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['npm ci', 'npx cdk synth'] } }, artifacts: { files: ['**/*'] } }),
      environments: [{ name: 'Dev', account: '222222222222', stackName: 'Crosswalk-Service-Dev', templatePath: 'cdk.out/Crosswalk-Service-Dev.template.json' }],
      selfUpdate: {
        stacks: [
          { name: 'ArtifactStore', stackName: 'Crosswalk-ArtifactStore', templatePath: 'cdk.out/Crosswalk-ArtifactStore.template.json' },
          { name: 'Pipeline', stackName: 'Crosswalk-Pipeline', templatePath: 'cdk.out/Crosswalk-Pipeline.template.json' },
        ],
      },
    });
    CrossAccountDeploymentRoles.applyPermissionsBoundary(stack, naming);

    expect(pipeline.pipeline.stages.map((s) => s.stageName)).toEqual(['Source', 'Build', 'SelfUpdate', 'SelfUpdateApproval', 'ArtifactStoreDeploy', 'PipelineDeploy', 'Dev']);
    const assembly = app.synth();
    const roleBoundaries = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Role')).map((r) => JSON.stringify(r.Properties.PermissionsBoundary));
    expect(roleBoundaries.length).toBeGreaterThan(0);
    for (const boundary of roleBoundaries) expect(boundary).toContain(':policy/Crosswalk-eu-west-1-PermissionsBoundary');
    // The functions' code goes to the artifact bucket's assets/, where the build publishes it.
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${assembly.getStackByName('Crosswalk-Pipeline').id}.assets.json`), 'utf-8'));
    const destinations = Object.values<any>(manifest.files).flatMap((f) => Object.values<any>(f.destinations));
    expect(destinations.length).toBeGreaterThan(0);
    for (const d of destinations) expect(d).toMatchObject({ bucketName: 'crosswalk-artifacts-111111111111-eu-west-1', objectKey: expect.stringMatching(/^assets\//) });
  });
});
