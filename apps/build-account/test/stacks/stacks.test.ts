import { TargetAccountSynthesizer } from '@crosswalk/cross-account-role';
import { App, Stack } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { loadConfig } from '../../src/config';
import { BUILD_OUTPUT_ARTIFACT } from '../../src/pipeline/delivered-service';
import { ArtifactStoreStack, DeploymentRolesStack, PipelineStack } from '../../src/stacks';
import { SynthesizedApp, buildSpecOf, resourcesOf, synthesizeBuildAccount, valuesOf } from './synth';

const CONNECTION = 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthesizeBuildAccount();
});

const roleStacks = (): DeploymentRolesStack[] => [synth.stacks.deploymentRoles.dev, synth.stacks.deploymentRoles.prod];
const allStacks = (): Stack[] => [synth.stacks.artifactStore, synth.stacks.pipeline, ...roleStacks()];

function pipelineStages(template: any): any[] {
  const [[, pipeline]] = resourcesOf(template, 'AWS::CodePipeline::Pipeline');
  return pipeline.Properties.Stages;
}

describe('the four stacks', () => {
  test('go to the build, dev and prod accounts of the config, in its region', () => {
    const where = Object.fromEntries(allStacks().map((s) => [s.stackName, `${s.account}/${s.region}`]));
    expect(where).toEqual({
      'Crosswalk-ArtifactStore': '111111111111/eu-west-1',
      'Crosswalk-Pipeline': '111111111111/eu-west-1',
      'CrosswalkDeploymentRoles-dev': '222222222222/eu-west-1',
      'CrosswalkDeploymentRoles-prod': '333333333333/eu-west-1',
    });
  });

  test('the deployment-role stacks are outside the stacks the deployment role may operate', () => {
    for (const stack of roleStacks()) {
      const pattern = stack.naming.stackArnPattern(stack.account);
      const arn = `arn:aws:cloudformation:${stack.region}:${stack.account}:stack/${stack.stackName}/0123`;
      const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.?+^$[\]\\(){}|-]/g, '\\$&')).join('.*')}$`);
      expect(regex.test(arn)).toBe(false);
      expect(regex.test(`arn:aws:cloudformation:${stack.region}:${stack.account}:stack/Crosswalk-SampleApi-dev/0123`)).toBe(true);
    }
  });
});

describe('DeploymentRolesStack', () => {
  test('deploys without CDK bootstrap: no bootstrap parameter or rule, no role to assume, no template upload, no assets', () => {
    for (const stack of roleStacks()) {
      const template = synth.template(stack);
      expect(template.Parameters?.BootstrapVersion).toBeUndefined();
      expect(template.Rules?.CheckBootstrapVersion).toBeUndefined();
      expect(JSON.stringify(template)).not.toMatch(/cdk-bootstrap|hnb659fds/);
      const artifact = synth.manifest.artifacts[stack.artifactId];
      expect(artifact.properties.assumeRoleArn).toBeUndefined();
      expect(artifact.properties.cloudFormationExecutionRoleArn).toBeUndefined();
      expect(artifact.properties.stackTemplateAssetObjectUrl).toBeUndefined();
      expect(artifact.properties.requiresBootstrapStackVersion).toBeUndefined();
      expect(artifact.dependencies ?? []).toEqual([]);
      // The CLI deploys the template inline, which CloudFormation accepts up to 51,200 bytes.
      expect(JSON.stringify(template).length).toBeLessThan(51_200);
    }
  });

  test('deploys in any order: no import, parameter or reference to another stack', () => {
    for (const stack of roleStacks()) {
      const text = JSON.stringify(synth.template(stack));
      expect(text).not.toContain('Fn::ImportValue');
      expect(synth.template(stack).Parameters).toBeUndefined();
      expect(stack.dependencies).toEqual([]);
    }
  });

  test('the deployment role trusts the change set function only where a release is reverted on alarm (prod: review and bake; dev: neither)', () => {
    const trusted = (stack: DeploymentRolesStack) => {
      const [, role] = resourcesOf(synth.template(stack), 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === stack.naming.deploymentRoleName)!;
      return [].concat(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnEquals['aws:PrincipalArn']);
    };
    const { build } = loadConfig(undefined, {}).accounts;
    const naming = synth.stacks.pipeline.naming;
    expect(trusted(synth.stacks.deploymentRoles.dev)).toEqual([naming.pipelineRoleArn(build)]);
    expect(trusted(synth.stacks.deploymentRoles.prod)).toEqual([naming.pipelineRoleArn(build), naming.changeSetRoleArn(build)]);
  });

  test('defines the convention roles and boundary of its account', () => {
    for (const stack of roleStacks()) {
      const template = synth.template(stack);
      const roleNames = resourcesOf(template, 'AWS::IAM::Role').map(([, r]) => r.Properties.RoleName).sort();
      expect(roleNames).toEqual([stack.naming.executionRoleName, stack.naming.deploymentRoleName, stack.naming.readOnlyRoleName].sort());
      expect(resourcesOf(template, 'AWS::IAM::ManagedPolicy').map(([, r]) => r.Properties.ManagedPolicyName))
        .toEqual([stack.naming.permissionsBoundaryName]);
    }
  });

  test('uses the package\'s TargetAccountSynthesizer, which refuses assets with a message that says where they belong', () => {
    const stack = new DeploymentRolesStack(new App(), { config: loadConfig(undefined, {}), environmentName: 'dev' });
    expect(stack.synthesizer).toBeInstanceOf(TargetAccountSynthesizer);
    expect(() => new s3assets.Asset(stack, 'Code', { path: __dirname }))
      .toThrow(/^stack 'CrosswalkDeploymentRoles-dev' deploys into an account without CDK bootstrap, so it cannot have file assets .*build account$/);
  });

  test('fails for an environment the config does not have', () => {
    expect(() => new DeploymentRolesStack(new App(), { config: loadConfig(undefined, {}), environmentName: 'staging' as any }))
      .toThrow("environmentName must be one of dev, prod (an environment of the config), got 'staging'");
  });
});

describe('ArtifactStoreStack', () => {
  test('holds the convention bucket and key alias, and admits both target accounts by condition only', () => {
    const template = synth.template(synth.stacks.artifactStore);
    const naming = synth.stacks.artifactStore.naming;
    expect(resourcesOf(template, 'AWS::S3::Bucket').map(([, b]) => b.Properties.BucketName)).toContain(naming.artifactBucketName('111111111111'));
    expect(resourcesOf(template, 'AWS::KMS::Alias').map(([, a]) => a.Properties.AliasName)).toEqual([naming.artifactKeyAliasName]);
    expect(synth.stacks.artifactStore.store.targetAccounts).toEqual(['222222222222', '333333333333']);
  });

  test('no policy of the build account names a role of another account as principal (that would force a deploy order)', () => {
    for (const stack of [synth.stacks.artifactStore, synth.stacks.pipeline]) {
      const principals = valuesOf(synth.template(stack), 'Principal').map((p) => JSON.stringify(p));
      for (const principal of principals) {
        expect(principal).not.toMatch(/iam::(222222222222|333333333333):role/);
      }
      expect(principals.some((p) => p.includes('222222222222'))).toBe(stack === synth.stacks.artifactStore);
    }
  });
});

describe('PipelineStack', () => {
  test('depends only on the artifact store of its own account (its key ARN), so `cdk deploy` orders the two itself', () => {
    expect(synth.stacks.pipeline.dependencies).toEqual([synth.stacks.artifactStore]);
    const imports = JSON.stringify(synth.template(synth.stacks.pipeline)).match(/"Fn::ImportValue":"[^"]+"/g) ?? [];
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((i) => i.includes(`"Fn::ImportValue":"${synth.stacks.artifactStore.stackName}:`))).toBe(true);
  });

  test('Source → Build → Dev (deploy, integration) → Prod (change set, review) → approval → (verify, execute, sanity, bake)', () => {
    const stages = pipelineStages(synth.template(synth.stacks.pipeline));
    expect(stages.map((s) => `${s.Name}[${s.Actions.map((a: any) => a.Name).join(',')}]`)).toEqual([
      'Source[GitHub]', 'Build[Build]',
      // The build account's own stacks, reviewed like prod, the pipeline's last (then an execution on the old pipeline stops).
      'SelfUpdate[ArtifactStore-CreateChangeSet,Pipeline-CreateChangeSet,Review]', 'SelfUpdateApproval[Approve]',
      'ArtifactStoreDeploy[VerifyReviewedChangeSet,ExecuteChangeSet]', 'PipelineDeploy[VerifyReviewedChangeSet,ExecuteChangeSet,StopIfPipelineChanged]',
      'Dev[Deploy,Integration]', 'Prod[CreateChangeSet,Review]', 'ProdApproval[Approve]',
      'ProdDeploy[VerifyReviewedChangeSet,ExecuteChangeSet,Sanity,Bake]',
    ]);
    const [dev, prod] = ['Dev', 'Prod'].map((name) => stages.find((s: any) => s.Name === name));
    expect(dev.Actions[0].Configuration).toMatchObject({
      StackName: 'Crosswalk-SampleApi-dev', TemplatePath: 'BuildOutput::templates/Crosswalk-SampleApi-dev.template.json',
    });
    // Prod's change set carries the stack's alarms as rollback triggers (the revert on alarm): the change set function creates it.
    expect(JSON.parse(prod.Actions[0].Configuration.UserParameters)).toMatchObject({
      check: 'create-change-set', stackName: 'Crosswalk-SampleApi-prod', templatePath: 'templates/Crosswalk-SampleApi-prod.template.json',
      alarmNamePrefix: 'Crosswalk-SampleApi-prod-', monitoringMinutes: 10,
    });
    expect(prod.Actions[0].InputArtifacts).toEqual([{ Name: 'BuildOutput' }]);
  });

  test('the suites get API_URL from the stack output ApiUrl and run from their bundles in the build output, nothing installed', () => {
    const template = synth.template(synth.stacks.pipeline);
    const stages = pipelineStages(template);
    const [dev, prodDeploy] = ['Dev', 'ProdDeploy'].map((name) => stages.find((st: any) => st.Name === name));
    expect(JSON.parse(dev.Actions[1].Configuration.EnvironmentVariables)).toEqual([{ name: 'API_URL', type: 'PLAINTEXT', value: '#{DevStack.ApiUrl}' }]);
    expect(JSON.parse(prodDeploy.Actions.find((a: any) => a.Name === 'Sanity').Configuration.EnvironmentVariables)).toEqual([{ name: 'API_URL', type: 'PLAINTEXT', value: '#{ProdStack.ApiUrl}' }]);
    const specs = resourcesOf(template, 'AWS::CodeBuild::Project').map(([, p]) => buildSpecOf(p));
    const commands = specs.map((s) => s.phases.build.commands);
    for (const suite of ['integ', 'sanity']) {
      expect(commands).toContainEqual([
        'mkdir -p "$CODEBUILD_SRC_DIR/apps/sample-api/test-reports"',
        'node --test --test-reporter=spec --test-reporter-destination=stdout '
          + `--test-reporter=junit --test-reporter-destination="$CODEBUILD_SRC_DIR/apps/sample-api/test-reports/${suite}.xml" `
          + `"$CODEBUILD_SRC_DIR_BuildOutput/test-bundle/${suite}.cjs"`,
      ]);
    }
    const testSpecs = specs.filter((s) => s.phases.build.commands.some((c: string) => c.startsWith('node --test')));
    expect(testSpecs).toHaveLength(2);
    for (const spec of testSpecs) {
      expect(JSON.stringify(spec.phases)).not.toMatch(/npm (ci|install)|npx/);
      // The JUnit report is where the report group looks (relative to the primary input, the source checkout).
      expect(Object.values(spec.reports)).toEqual([{ 'files': ['**/test-reports/*.xml'], 'file-format': 'JUNITXML' }]);
    }
  });

  test('the test actions read the bundles from the build output artifact, under the name they expect', () => {
    expect(synth.stacks.pipeline.pipeline.buildOutput.artifactName).toBe(BUILD_OUTPUT_ARTIFACT);
    const stages = pipelineStages(synth.template(synth.stacks.pipeline));
    const tests = stages.flatMap((st: any) => st.Actions).filter((a: any) => ['Integration', 'Sanity'].includes(a.Name));
    expect(tests.map((a: any) => a.InputArtifacts.map((i: any) => i.Name))).toEqual([['Source', 'BuildOutput'], ['Source', 'BuildOutput']]);
  });

  test('the build\'s buildspec stays thin: npm ci, then the build stage script under the nx task cache; its output folder is the artifact; npm\'s cache and nx\'s task outputs are kept', () => {
    const template = synth.template(synth.stacks.pipeline);
    const [[, build]] = resourcesOf(template, 'AWS::CodeBuild::Project').filter(([id]) => id.includes('Build'));
    const spec = buildSpecOf(build);
    expect(spec.phases.install.commands).toEqual(['npm ci --prefer-offline --no-audit --no-fund']);
    // Not .nx/cache: nx indexes it in a database named after the machine id, so another build host never reads it.
    expect(spec.cache).toEqual({ paths: ['/root/.npm/**/*', '.nx/task-cache/**/*'] });
    expect(build.Properties.Cache).toEqual({ Type: 'S3', Location: expect.stringMatching(/-artifacts-\d{12}-[a-z0-9-]+\/build-cache\/Crosswalk-pipeline$/) });
    expect(spec.phases.build.commands).toEqual(['npx ts-node --transpile-only tools/nx-cache.ts .nx/task-cache -- npx nx run @crosswalk/build-account:build-stage']);
    expect(spec.artifacts).toEqual({ 'base-directory': 'apps/build-account/dist/build-output', 'files': ['**/*'] });
    expect(build.Properties.Environment.EnvironmentVariables).toBeUndefined();
  });

  test('the config\'s rollback, bake, approval policy and deployment window reach the environment\'s stages', () => {
    const config = loadConfig({
      environments: { dev: { rollbackOnFailure: false, bakeMinutes: 3 }, prod: { deploymentWindow: { cron: '* 0-59 9-16 ? * MON-THU' }, autoApprove: 'lowRisk' } },
    }, {});
    const stages = pipelineStages(synthesizeBuildAccount(config).template(PipelineStack.stackNameFor(config)));
    const byName = Object.fromEntries(stages.map((st: any) => [st.Name, st]));
    const params = (stage: string, action: string) => JSON.parse(byName[stage].Actions.find((a: any) => a.Name === action).Configuration.UserParameters);
    expect(byName.Dev.OnFailure).toBeUndefined();
    expect(params('Dev', 'Bake').bakeMinutes).toBe(3);
    expect(params('ProdDeploy', 'Bake').bakeMinutes).toBe(10);
    expect(params('Prod', 'Review').autoApprove).toBe('lowRisk');
    // A change set executes once: the prod stages do not roll back (CloudFormation and CodeDeploy do).
    for (const stage of ['Prod', 'ProdApproval', 'ProdDeploy']) expect(byName[stage].OnFailure).toBeUndefined();
    expect(byName.Prod.BeforeEntry.Conditions[0].Rules[0].Configuration).toEqual({ Cron: '* 0-59 9-16 ? * MON-THU', TimeZone: 'UTC' });
  });

  test('with prod.requireApproval false, prod deploys in one action', () => {
    const config = loadConfig({ environments: { prod: { requireApproval: false } } }, {});
    const stages = pipelineStages(synthesizeBuildAccount(config).template(PipelineStack.stackNameFor(config)));
    const prodStage = stages.find((s: any) => s.Name === 'Prod');
    expect(prodStage.Actions.map((a: any) => a.Name)).toEqual(['Deploy', 'Sanity', 'Bake']);
    expect(prodStage.OnFailure).toEqual({ Result: 'ROLLBACK' });
  });

  test('notifies the configured addresses; success and approval notices follow the config', () => {
    const config = loadConfig({
      notifications: { emails: ['a@example.com', 'b@example.com'], notifyOnSuccess: true, notifyOnApproval: false },
      approvers: { groupName: 'Crosswalk-approvers' },
    }, {});
    const template = synthesizeBuildAccount(config).template(PipelineStack.stackNameFor(config));
    const subscriptions = resourcesOf(template, 'AWS::SNS::Subscription').map(([, s]) => s.Properties.Endpoint);
    // the notification topic and the approval topic, each to both addresses
    expect(subscriptions.sort()).toEqual(['a@example.com', 'a@example.com', 'b@example.com', 'b@example.com']);
    const rules = resourcesOf(template, 'AWS::Events::Rule').map(([, r]) => r.Properties.Description);
    expect(rules.some((d: string) => d.startsWith('successful executions'))).toBe(true);
    expect(rules.some((d: string) => d.startsWith('approvals waiting'))).toBe(false);
    expect(rules.some((d: string) => d.startsWith('failed executions'))).toBe(true);
    expect(resourcesOf(template, 'AWS::IAM::Group').map(([, g]) => g.Properties.GroupName)).toEqual(['Crosswalk-approvers']);
  });

  test('uses the configured connection instead of creating one', () => {
    const created = synth.template(synth.stacks.pipeline);
    expect(resourcesOf(created, 'AWS::CodeStarConnections::Connection')).toHaveLength(1);
    const config = loadConfig({ github: { connectionArn: CONNECTION } }, {});
    const template = synthesizeBuildAccount(config).template(PipelineStack.stackNameFor(config));
    expect(resourcesOf(template, 'AWS::CodeStarConnections::Connection')).toHaveLength(0);
    expect(pipelineStages(template)[0].Actions[0].Configuration.ConnectionArn).toBe(CONNECTION);
  });

  test('passes the config override file to the build, which synthesizes with it', () => {
    const template = synthesizeBuildAccount(undefined, 'config/crosswalk.json').template(synth.stacks.pipeline);
    const [[, build]] = resourcesOf(template, 'AWS::CodeBuild::Project').filter(([id]) => id.includes('Build'));
    expect(build.Properties.Environment.EnvironmentVariables).toEqual([{ Name: 'CROSSWALK_CONFIG', Type: 'PLAINTEXT', Value: 'config/crosswalk.json' }]);
  });

  test('fails for a config file outside the repository checkout', () => {
    const app = new App();
    const config = loadConfig(undefined, {});
    const store = new ArtifactStoreStack(app, { config });
    expect(() => new PipelineStack(app, { config, artifactBucket: store.store.bucket, artifactKey: store.store.key, configFile: '/home/me/crosswalk.json' }))
      .toThrow("configFile must be the path of the config override file relative to the repository root (the build checks out the repository), got '/home/me/crosswalk.json'");
  });
});
