import { readdirSync } from 'fs';
import { DELIVERED_SERVICE, DeploymentRolesStack, EnvironmentName, serviceTemplatePath } from '@crosswalk/build-account';
import { planAssetUploads } from '@crosswalk/cli';
import { SampleApiStack } from '../../src/stacks';
import { EXECUTION_CALLS } from './execution-actions';
import { Caller, Decision, evaluate, evaluateAll } from './policy';
import { FoundRole, bucketPolicy, describeRole, findKey, findRole } from './roles';
import { BothApps, synthesizeBothApps } from './synth-both';
import { DeployedStack } from './world';

/** The stages of the self-update, which deploy the build account's own stacks. */
const SELF_UPDATE_STAGES = ['SelfUpdate', 'SelfUpdateApproval', 'ArtifactStoreDeploy', 'PipelineDeploy'];

/**
 * The system test: both apps synthesized together, and every cross-account permission
 * the pipeline relies on proven on both sides (the resource policy in one account, the
 * identity policy in the other), by evaluating the synthesized policies.
 */

const ENVS: EnvironmentName[] = ['dev', 'prod'];
/** Requests to S3 arrive over TLS 1.3, as the AWS CLI and the services send them. */
const S3_CONTEXT = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

let both: BothApps;
let pipelineStack: DeployedStack;
let pipeline: any;
let actions: Array<{ stage: string; action: any }>;
let pipelineRole: FoundRole;
let bucketName: string;
let bucketArn: string;
let keyArn: string;
let keyAliases: string[];

beforeAll(() => {
  both = synthesizeBothApps();
  pipelineStack = both.deployed(both.build.pipeline);
  const [[, resource]] = both.world.resourcesOf(pipelineStack, 'AWS::CodePipeline::Pipeline');
  pipeline = both.world.resolve(pipelineStack, resource.Properties);
  // The actions toward the environments; the self-update's (the build account's own stacks) are walked in self-update.test.ts.
  actions = pipeline.Stages.filter((stage: any) => !SELF_UPDATE_STAGES.includes(stage.Name))
    .flatMap((stage: any) => stage.Actions.map((action: any) => ({ stage: stage.Name, action })));
  pipelineRole = findRole(both.world, pipeline.RoleArn)!;
  bucketName = pipeline.ArtifactStore.Location;
  bucketArn = `arn:aws:s3:::${bucketName}`;
  keyArn = pipeline.ArtifactStore.EncryptionKey.Id;
  keyAliases = findKey(both.world, keyArn)?.aliases ?? [];
}, 180_000);

const config = () => both.config;
const envOfStage = (stage: string): EnvironmentName => (stage === 'Dev' ? 'dev' : 'prod');
const roleCaller = (role: FoundRole): Caller => ({ account: role.stack.account, arn: role.arn });
const crossAccountActions = () => actions.filter(({ action }) => action.RoleArn !== undefined);
const deployActions = () => actions.filter(({ action }) => action.ActionTypeId.Provider === 'CloudFormation' && action.Configuration.RoleArn !== undefined);
/** The change set actions with rollback triggers (the revert on alarm): the change set function's Lambda invoke actions. */
const changeSetActions = () => actions.filter(({ action }) => action.ActionTypeId.Provider === 'Lambda' && action.Configuration.UserParameters?.includes('"create-change-set"'))
  .map(({ stage, action }) => ({ stage, action, params: JSON.parse(action.Configuration.UserParameters) }));

/** Both sides of a cross-account request: the caller's identity policies, and the resource's policy. */
function bothSides(role: FoundRole, action: string, resource: string, resourcePolicy: any, context: Record<string, string | string[]> = {}): { identity: Decision; resource: Decision } {
  return {
    identity: evaluateAll(role.identityPolicies, { action, resource, context }),
    resource: evaluate(resourcePolicy, { action, resource, caller: roleCaller(role), context }),
  };
}

function keyPolicy(): any {
  return findKey(both.world, keyArn)!.policy;
}

/** The target-account role of the pipeline's actions in an environment. */
function deploymentRoleOf(env: EnvironmentName): FoundRole {
  const { action } = crossAccountActions().find(({ stage }) => envOfStage(stage) === env)!;
  return findRole(both.world, action.RoleArn)!;
}

/** The functions of a service stack, with their resolved code location. */
function functionsOf(stack: DeployedStack): Array<{ id: string; code: any }> {
  return both.world.resourcesOf(stack, 'AWS::Lambda::Function')
    .map(([id, fn]) => ({ id, code: both.world.resolve(stack, fn.Properties.Code) }));
}

describe('the pipeline and the deployment-role stacks', () => {
  test('the build account\'s stacks reference nothing in another account', () => {
    // resolving every template resolves every Fn::ImportValue, and fails for one across accounts
    for (const stack of both.world.stacks) expect(() => both.world.resolve(stack, stack.template.Resources)).not.toThrow();
  });

  test('every role the pipeline\'s actions use is defined by the deployment-role stack of that account', () => {
    expect(crossAccountActions().map(({ stage, action }) => `${stage}/${action.Name}`)).toEqual([
      'Dev/Deploy', 'ProdDeploy/ExecuteChangeSet',
    ]);
    // Prod's change set is created by the change set function as prod's deployment role (its rollback triggers).
    expect(changeSetActions().map(({ stage, action }) => `${stage}/${action.Name}`)).toEqual(['Prod/CreateChangeSet']);
    const roleStackOf = (env: EnvironmentName) => DeploymentRolesStack.stackNameFor(config(), env);
    for (const { stage, action } of crossAccountActions()) {
      const env = envOfStage(stage);
      const role = findRole(both.world, action.RoleArn);
      expect(role).toBeDefined();
      expect(role!.stack.stackName).toBe(roleStackOf(env));
      expect(role!.stack.account).toBe(config().accounts[env]);
      expect(action.RoleArn).toBe(both.build.pipeline.naming.deploymentRoleArn(config().accounts[env]));
    }
    for (const { stage, action } of deployActions()) {
      const env = envOfStage(stage);
      const execution = findRole(both.world, action.Configuration.RoleArn);
      expect(execution).toBeDefined();
      expect(execution!.stack.stackName).toBe(roleStackOf(env));
      expect(execution!.arn).toBe(both.build.pipeline.naming.executionRoleArn(config().accounts[env]));
    }
  });

  test('the deployment roles trust the pipeline role, and no other principal of the build account', () => {
    const buildProjectRole: Caller = { account: config().accounts.build, arn: `arn:aws:iam::${config().accounts.build}:role/${both.config.projectName}-SomeOtherRole` };
    for (const env of ENVS) {
      const role = deploymentRoleOf(env);
      const assume = (caller: Caller) => evaluate(role.trustPolicy, { action: 'sts:AssumeRole', resource: role.arn, caller });
      expect(assume(roleCaller(pipelineRole))).toBe('allow');
      expect(assume(buildProjectRole)).toBe('implicit-deny');
      expect(assume({ account: config().accounts[env], arn: pipelineRole.arn.replace(config().accounts.build, config().accounts[env]) })).toBe('implicit-deny');
      // the other side: the pipeline role may assume it
      expect(evaluateAll(pipelineRole.identityPolicies, { action: 'sts:AssumeRole', resource: role.arn })).toBe('allow');
    }
  });

  test('the change set function may assume prod\'s deployment role (both sides), and creates the change set with the execution role the deployment role may pass', () => {
    const naming = both.build.pipeline.naming;
    const changeSetRole = findRole(both.world, naming.changeSetRoleArn(config().accounts.build))!;
    expect(changeSetRole).toBeDefined();
    const [{ params }] = changeSetActions();
    const deployment = findRole(both.world, naming.deploymentRoleArn(params.account))!;
    expect(deployment.stack.stackName).toBe(DeploymentRolesStack.stackNameFor(config(), 'prod'));
    const assume = (caller: Caller) => evaluate(deployment.trustPolicy, { action: 'sts:AssumeRole', resource: deployment.arn, caller });
    expect(assume(roleCaller(changeSetRole))).toBe('allow');
    expect(evaluateAll(changeSetRole.identityPolicies, { action: 'sts:AssumeRole', resource: deployment.arn })).toBe('allow');
    // Never dev's: dev does not revert (no review, no bake).
    expect(evaluateAll(changeSetRole.identityPolicies, { action: 'sts:AssumeRole', resource: naming.deploymentRoleArn(config().accounts.dev) })).toBe('implicit-deny');
    // The pipeline-checks role (review, verify, bake) stays read-only: the deployment role does not trust it.
    const checksRole = findRole(both.world, naming.pipelineChecksRoleArn(config().accounts.build))!;
    expect(assume(roleCaller(checksRole))).toBe('implicit-deny');

    const prodStack = `arn:aws:cloudformation:${config().region}:${config().accounts.prod}:stack/${params.stackName}/1a2b3c`;
    expect(params.executionRoleArn).toBe(naming.executionRoleArn(config().accounts.prod));
    for (const [action, resource, context] of [
      ['cloudformation:CreateChangeSet', prodStack, { 'cloudformation:RoleArn': params.executionRoleArn }],
      ['cloudformation:DescribeChangeSet', prodStack, {}], ['cloudformation:DescribeStacks', prodStack, {}], ['cloudformation:DeleteChangeSet', prodStack, {}],
      ['cloudwatch:DescribeAlarms', `arn:aws:cloudwatch:${config().region}:${config().accounts.prod}:alarm:*`, {}],
      ['iam:PassRole', params.executionRoleArn, { 'iam:PassedToService': 'cloudformation.amazonaws.com' }],
    ] as const) {
      expect({ action, decision: evaluateAll(deployment.identityPolicies, { action, resource, context }) }).toEqual({ action, decision: 'allow' });
    }
    // The template it writes is where the deployment role reads (CloudFormation's TemplateURL, read as the caller), under the artifact key.
    const template = `arn:aws:s3:::${params.templateBucket}/${params.templateKey.replace('#{codepipeline.PipelineExecutionId}', '0f6e2a1c-1111-2222-3333-444455556666')}`;
    expect(evaluateAll(changeSetRole.identityPolicies, { action: 's3:PutObject', resource: template })).toBe('allow');
    expect(bothSides(deployment, 's3:GetObject', template, bucketPolicy(both.world, params.templateBucket), { 'aws:SecureTransport': 'true' }))
      .toEqual({ identity: 'allow', resource: 'allow' });
    expect(bothSides(deployment, 'kms:Decrypt', keyArn, keyPolicy(), { 'kms:ResourceAliases': keyAliases })).toEqual({ identity: 'allow', resource: 'allow' });
  });

  test('the pipeline checks may assume the prod read-only role (both sides), which may read the change set and the alarms and write nothing', () => {
    const naming = both.build.pipeline.naming;
    const checksRole = findRole(both.world, naming.pipelineChecksRoleArn(config().accounts.build))!;
    expect(checksRole).toBeDefined();
    const readOnly = findRole(both.world, naming.readOnlyRoleArn(config().accounts.prod))!;
    expect(readOnly.stack.stackName).toBe(DeploymentRolesStack.stackNameFor(config(), 'prod'));
    const assume = (caller: Caller) => evaluate(readOnly.trustPolicy, { action: 'sts:AssumeRole', resource: readOnly.arn, caller });
    expect(assume(roleCaller(checksRole))).toBe('allow');
    expect(assume(roleCaller(pipelineRole))).toBe('implicit-deny');
    expect(evaluateAll(checksRole.identityPolicies, { action: 'sts:AssumeRole', resource: readOnly.arn })).toBe('allow');
    // the checks never reach dev: neither approval nor bake there
    expect(evaluateAll(checksRole.identityPolicies, { action: 'sts:AssumeRole', resource: naming.readOnlyRoleArn(config().accounts.dev) })).toBe('implicit-deny');

    const prodStack = `arn:aws:cloudformation:${config().region}:${config().accounts.prod}:stack/${SampleApiStack.stackNameFor(config(), 'prod')}/1a2b3c`;
    const alarm = `arn:aws:cloudwatch:${config().region}:${config().accounts.prod}:alarm:${SampleApiStack.stackNameFor(config(), 'prod')}-Api5xxAlarm-9Z8Y`;
    // The bake lists alarms with DescribeAlarms by AlarmNamePrefix, which AWS authorizes on
    // `alarm:*`, not on the alarms returned (aws-samples/amazon-cloudwatch-auto-alarms issue 1;
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html);
    // it reads each alarm's history by AlarmName, authorized on that alarm. The change review
    // reads the change set's template with GetTemplate, authorized on the stack.
    const everyAlarm = `arn:aws:cloudwatch:${config().region}:${config().accounts.prod}:alarm:*`;
    for (const [action, resource] of [
      ['cloudformation:DescribeChangeSet', prodStack], ['cloudformation:DescribeStacks', prodStack], ['cloudformation:GetTemplate', prodStack],
      ['cloudwatch:DescribeAlarms', everyAlarm], ['cloudwatch:DescribeAlarmHistory', alarm],
      ['codedeploy:ListDeploymentTargets', '*'], ['codedeploy:BatchGetDeploymentTargets', '*'],
    ]) {
      expect({ action, decision: evaluateAll(readOnly.identityPolicies, { action, resource }) }).toEqual({ action, decision: 'allow' });
    }
    for (const action of ['cloudformation:ExecuteChangeSet', 'cloudformation:CreateChangeSet', 'cloudformation:DeleteChangeSet', 'cloudformation:UpdateStack']) {
      expect({ action, decision: evaluateAll(readOnly.identityPolicies, { action, resource: prodStack }) }).toEqual({ action, decision: 'implicit-deny' });
    }
  });

  test('the artifact bucket and key admit each deployment role to read, and its own policies allow the same', () => {
    const artifact = `${bucketArn}/${both.build.pipeline.pipeline.pipeline.pipelineName}/BuildOutpu/a1b2c3`;
    const requests: Array<[string, string, any, Record<string, string | string[]>]> = [
      // what the CloudFormation actions do with the pipeline's artifacts (input only)
      ['s3:GetBucketLocation', bucketArn, bucketPolicy(both.world, bucketName), S3_CONTEXT],
      ['s3:ListBucket', bucketArn, bucketPolicy(both.world, bucketName), S3_CONTEXT],
      ['s3:GetObject', artifact, bucketPolicy(both.world, bucketName), S3_CONTEXT],
      ['s3:GetObjectVersion', artifact, bucketPolicy(both.world, bucketName), S3_CONTEXT],
      ['kms:Decrypt', keyArn, keyPolicy(), { 'kms:ResourceAliases': keyAliases }],
      ['kms:DescribeKey', keyArn, keyPolicy(), { 'kms:ResourceAliases': keyAliases }],
    ];
    expect(keyAliases).toEqual([both.build.pipeline.naming.artifactKeyAliasName]);
    for (const env of ENVS) {
      const role = deploymentRoleOf(env);
      for (const [action, resource, policy, context] of requests) {
        expect({ action, ...bothSides(role, action, resource, policy, context) }).toEqual({ action, identity: 'allow', resource: 'allow' });
      }
      // not another bucket's objects, nor deleting artifacts
      expect(evaluateAll(role.identityPolicies, { action: 's3:GetObject', resource: 'arn:aws:s3:::some-other-bucket/x', context: S3_CONTEXT })).toBe('implicit-deny');
      expect(bothSides(role, 's3:DeleteObject', artifact, bucketPolicy(both.world, bucketName), S3_CONTEXT).resource).toBe('implicit-deny');
    }
  });

  test('each deploy action passes an execution role that its deployment role may pass to CloudFormation, for the stack it deploys', () => {
    for (const { stage, action } of deployActions()) {
      const role = findRole(both.world, action.RoleArn)!;
      const executionRoleArn = action.Configuration.RoleArn;
      const identity = (a: string, resource: string, context: Record<string, string> = {}) => evaluateAll(role.identityPolicies, { action: a, resource, context });
      expect(identity('iam:PassRole', executionRoleArn, { 'iam:PassedToService': 'cloudformation.amazonaws.com' })).toBe('allow');
      expect(identity('iam:PassRole', executionRoleArn, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('implicit-deny');
      const stackArn = `arn:aws:cloudformation:${config().region}:${role.stack.account}:stack/${action.Configuration.StackName}/0a1b2c3d-0000-4000-8000-000000000000`;
      const change = action.Configuration.ActionMode === 'CREATE_UPDATE' ? ['cloudformation:CreateStack', 'cloudformation:UpdateStack'] : ['cloudformation:CreateChangeSet'];
      for (const a of change) expect({ stage, a, d: identity(a, stackArn, { 'cloudformation:RoleArn': executionRoleArn }) }).toEqual({ stage, a, d: 'allow' });
      // CloudFormation itself may assume the execution role
      const execution = findRole(both.world, executionRoleArn)!;
      expect(evaluate(execution.trustPolicy, { action: 'sts:AssumeRole', resource: execution.arn, caller: { service: 'cloudformation.amazonaws.com' } })).toBe('allow');
    }
    const execute = actions.find(({ action }) => action.Configuration.ActionMode === 'CHANGE_SET_EXECUTE')!;
    const prodRole = findRole(both.world, execute.action.RoleArn)!;
    const prodStack = `arn:aws:cloudformation:${config().region}:${config().accounts.prod}:stack/${execute.action.Configuration.StackName}/0a1b2c3d`;
    for (const a of ['cloudformation:ExecuteChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:DescribeStacks']) {
      expect(evaluateAll(prodRole.identityPolicies, { action: a, resource: prodStack })).toBe('allow');
    }
  });
});

describe('the checks themselves', () => {
  test('notice a missing half: without the bucket policy\'s statement, or without the role\'s own statement, access is refused', () => {
    const role = deploymentRoleOf('dev');
    const object = `${bucketArn}/any-artifact`;
    const policy = bucketPolicy(both.world, bucketName);
    const withoutDev = { ...policy, Statement: policy.Statement.filter((st: any) => !String(st.Sid ?? '').startsWith(`DeploymentRole${config().accounts.dev}`)) };
    expect(bothSides(role, 's3:GetObject', object, withoutDev, S3_CONTEXT)).toEqual({ identity: 'allow', resource: 'implicit-deny' });
    const withoutArtifactStore = { ...role, identityPolicies: role.identityPolicies.filter((doc) => !JSON.stringify(doc).includes(bucketName)) };
    expect(bothSides(withoutArtifactStore, 's3:GetObject', object, policy, S3_CONTEXT)).toEqual({ identity: 'implicit-deny', resource: 'allow' });
    // and a request over plain HTTP is refused by the bucket policy
    expect(bothSides(role, 's3:GetObject', object, policy, { ...S3_CONTEXT, 'aws:SecureTransport': 'false' }).resource).toBe('deny');
  });
});

describe('the sample API\'s code assets', () => {
  test('each execution role may read them: bucket and key policies in the build account, its own policy in the target account', () => {
    for (const env of ENVS) {
      const stack = both.deployed(both.service[env]);
      const execution = findRole(both.world, both.build.pipeline.naming.executionRoleArn(stack.account))!;
      const functions = functionsOf(stack);
      expect(functions.length).toBeGreaterThan(0);
      for (const { id, code } of functions) {
        expect({ id, bucket: code.S3Bucket }).toEqual({ id, bucket: bucketName });
        const object = `${bucketArn}/${code.S3Key}`;
        expect({ id, ...bothSides(execution, 's3:GetObject', object, bucketPolicy(both.world, bucketName), S3_CONTEXT) }).toEqual({ id, identity: 'allow', resource: 'allow' });
        expect({ id, ...bothSides(execution, 'kms:Decrypt', keyArn, keyPolicy(), { 'kms:ResourceAliases': keyAliases }) }).toEqual({ id, identity: 'allow', resource: 'allow' });
      }
      // only the code assets: not the pipeline's artifacts, not writing
      const artifact = `${bucketArn}/Crosswalk-pipeline/BuildOutpu/a1b2c3`;
      expect(bothSides(execution, 's3:GetObject', artifact, bucketPolicy(both.world, bucketName), S3_CONTEXT)).toEqual({ identity: 'implicit-deny', resource: 'implicit-deny' });
      expect(bothSides(execution, 's3:PutObject', `${bucketArn}/${functions[0].code.S3Key}`, bucketPolicy(both.world, bucketName), S3_CONTEXT).identity).toBe('implicit-deny');
    }
  });

  test('the build stage plans exactly the objects the templates reference, in the convention bucket, from folders holding their handler', () => {
    const stackNames = ENVS.map((env) => both.service[env].stackName);
    const uploads = planAssetUploads(both.outdir, stackNames).planned;
    const referenced = new Set(ENVS.flatMap((env) => functionsOf(both.deployed(both.service[env])).map(({ code }) => `${code.S3Bucket}/${code.S3Key}`)));
    expect(new Set(uploads.map((u) => `${u.bucketName}/${u.objectKey}`))).toEqual(referenced);
    expect(new Set(uploads.map((u) => u.bucketName))).toEqual(new Set([both.build.pipeline.naming.artifactBucketName(config().accounts.build)]));
    expect(uploads.every((u) => u.objectKey.startsWith(both.build.pipeline.naming.assetsPrefix))).toBe(true);
    const service = uploads.find((u) => u.displayName === 'VersionFunction/Code')!;
    expect(readdirSync(service.sourcePath)).toContain('index.js'); // zipped by cdk-assets-lib on publication
  });

  test('the build project\'s role may publish them (check, put, encrypt) and the bucket policy does not refuse it', () => {
    const build = actions.find(({ stage }) => stage === 'Build')!.action;
    const [[projectId, project]] = both.world.resourcesOf(pipelineStack, 'AWS::CodeBuild::Project')
      .filter(([id]) => both.world.physicalId(pipelineStack, id) === build.Configuration.ProjectName);
    expect(projectId).toBeDefined();
    const roleName = both.world.resolve(pipelineStack, project.Properties.ServiceRole).split('/').pop();
    const [[roleId]] = both.world.resourcesOf(pipelineStack, 'AWS::IAM::Role').filter(([id]) => both.world.physicalId(pipelineStack, id) === roleName);
    const role = describeRole(both.world, pipelineStack, roleId);
    const uploads = planAssetUploads(both.outdir, ENVS.map((env) => both.service[env].stackName)).planned;
    for (const upload of uploads) {
      const object = `${bucketArn}/${upload.objectKey}`;
      for (const action of ['s3:GetObject', 's3:PutObject']) {
        expect({ action, d: evaluateAll(role.identityPolicies, { action, resource: object, context: S3_CONTEXT }) }).toEqual({ action, d: 'allow' });
        expect(evaluate(bucketPolicy(both.world, bucketName), { action, resource: object, caller: roleCaller(role), context: S3_CONTEXT })).not.toBe('deny');
      }
    }
    expect(evaluateAll(role.identityPolicies, { action: 's3:ListBucket', resource: bucketArn })).toBe('allow');
    for (const action of ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt']) {
      expect(evaluateAll(role.identityPolicies, { action, resource: keyArn })).toBe('allow');
    }
  });
});

describe('what a target account can change in the build account', () => {
  /** Actions that create, replace or delete an object, or produce ciphertext under the artifact key. */
  const WRITES = /^(s3:(Put|Delete|Restore|Replicate|AbortMultipartUpload|\*)|kms:(Encrypt|GenerateDataKey|ReEncrypt|\*)|\*)/i;
  const list = (v: any): any[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const admits = (statement: any, account: string) => list(statement.Principal?.AWS ?? (statement.Principal === '*' ? '*' : undefined))
    .some((p: string) => p === '*' || p === account || String(p).startsWith(`arn:aws:iam::${account}:`));

  test('no target account may write any object of the artifact bucket or encrypt with its key (the account boundary keeps dev and prod apart)', () => {
    const writable = (account: string) => [
      ...list(bucketPolicy(both.world, bucketName).Statement), ...list(keyPolicy().Statement),
    ].filter((st) => st.Effect === 'Allow' && admits(st, account))
      .flatMap((st) => list(st.Action).filter((a: string) => WRITES.test(a)).map((a: string) => `${a} ${JSON.stringify(st.Resource)}`));
    for (const env of ENVS) {
      expect({ env, writable: writable(config().accounts[env]) }).toEqual({ env, writable: [] });
    }
  });

  test('neither convention role of a target account can put prod\'s template, a code asset or a test report, on either side', () => {
    const pipelineName = both.build.pipeline.pipeline.pipeline.pipelineName;
    const [asset] = functionsOf(both.deployed(both.service.prod));
    const objects = [
      `${bucketArn}/${pipelineName}/BuildOutpu/a1b2c3`,
      `${bucketArn}/${asset.code.S3Key}`,
      `${bucketArn}/test-reports/Sanity/report.xml`,
    ];
    for (const env of ENVS) {
      const naming = both.build.pipeline.naming;
      for (const roleArn of [naming.deploymentRoleArn(config().accounts[env]), naming.executionRoleArn(config().accounts[env])]) {
        const role = findRole(both.world, roleArn)!;
        for (const object of objects) {
          const decision = bothSides(role, 's3:PutObject', object, bucketPolicy(both.world, bucketName), S3_CONTEXT);
          expect({ roleArn, object, ...decision }).toEqual({ roleArn, object, identity: 'implicit-deny', resource: 'implicit-deny' });
        }
        for (const action of ['kms:Encrypt', 'kms:GenerateDataKey']) {
          const decision = bothSides(role, action, keyArn, keyPolicy(), { 'kms:ResourceAliases': keyAliases });
          expect({ roleArn, action, ...decision }).toEqual({ roleArn, action, identity: 'implicit-deny', resource: 'implicit-deny' });
        }
      }
    }
  });
});

describe('what the pipeline deploys', () => {
  test('the stacks sample-api defines, from the templates the build stage collects, with the output the suites read', () => {
    for (const env of ENVS) {
      const deploy = deployActions().find(({ stage }) => envOfStage(stage) === env)?.action;
      const created = changeSetActions().find(({ stage }) => envOfStage(stage) === env)?.params;
      // Dev deploys with CodePipeline's action; prod's change set comes from the change set function (its rollback triggers).
      expect(deploy?.Configuration.StackName ?? created?.stackName).toBe(SampleApiStack.stackNameFor(config(), env));
      expect(deploy ? deploy.Configuration.TemplatePath : `BuildOutput::${created.templatePath}`).toBe(`BuildOutput::${serviceTemplatePath(config(), env)}`);
      expect(both.service[env].account).toBe(config().accounts[env]);
      const outputs = both.deployed(both.service[env]).template.Outputs ?? {};
      expect(Object.keys(outputs)).toContain(DELIVERED_SERVICE.urlOutput);
    }
  });
});

describe('the execution roles', () => {
  test('every resource type of the sample API\'s templates is in the reviewed table of calls', () => {
    const types = new Set(ENVS.flatMap((env) => Object.values<any>(both.deployed(both.service[env]).template.Resources).map((r) => r.Type)));
    expect([...types].filter((t) => !(t in EXECUTION_CALLS)).sort()).toEqual([]);
  });

  test('each execution role may make every call CloudFormation needs for the resources of its account\'s stack', () => {
    for (const env of ENVS) {
      const stack = both.deployed(both.service[env]);
      const execution = findRole(both.world, both.build.pipeline.naming.executionRoleArn(stack.account))!;
      const refused: string[] = [];
      let checked = 0;
      for (const [id, resource] of Object.entries<any>(stack.template.Resources)) {
        for (const call of EXECUTION_CALLS[resource.Type](both.world, stack, id, resource.Properties ?? {})) {
          checked++;
          const decision = evaluateAll(execution.identityPolicies, { action: call.action, resource: call.resource, context: call.context });
          if (decision !== 'allow') refused.push(`${id} (${resource.Type}): ${call.action} on ${call.resource} → ${decision}`);
        }
      }
      expect(refused).toEqual([]);
      expect(checked).toBeGreaterThan(200);
    }
  });

  test('every role the sample API creates carries the convention boundary the execution role requires', () => {
    for (const env of ENVS) {
      const stack = both.deployed(both.service[env]);
      for (const [id, role] of both.world.resourcesOf(stack, 'AWS::IAM::Role')) {
        expect({ id, boundary: both.world.resolve(stack, role.Properties.PermissionsBoundary) })
          .toEqual({ id, boundary: both.build.pipeline.naming.permissionsBoundaryArn(stack.account) });
      }
    }
  });

  test('the execution role is not an administrator: it may not act outside the project\'s names', () => {
    const execution = findRole(both.world, both.build.pipeline.naming.executionRoleArn(config().accounts.dev))!;
    const dev = config().accounts.dev;
    const refused = (action: string, resource: string, context: Record<string, string> = {}) =>
      expect({ action, d: evaluateAll(execution.identityPolicies, { action, resource, context }) }).not.toEqual({ action, d: 'allow' });
    refused('lambda:DeleteFunction', `arn:aws:lambda:${config().region}:${dev}:function:someone-else`);
    refused('dynamodb:DeleteTable', `arn:aws:dynamodb:${config().region}:${dev}:table/payroll`);
    refused('iam:CreateRole', `arn:aws:iam::${dev}:role/Crosswalk-Escalate`, { 'iam:PermissionsBoundary': `arn:aws:iam::${dev}:policy/Other` });
    refused('iam:PutRolePolicy', both.build.pipeline.naming.deploymentRoleArn(dev), { 'iam:PermissionsBoundary': both.build.pipeline.naming.permissionsBoundaryArn(dev) });
    refused('s3:CreateBucket', 'arn:aws:s3:::anything');
  });
});
