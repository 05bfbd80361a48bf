import { CrossAccountDeploymentRoles, CrosswalkNaming } from '@crosswalk/cross-account-role';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EncryptedArtifactStore } from '../src';
import { CrossAccountModel, covers } from './cross-account';

const BUILD = '111111111111';
const DEV = '222222222222';
const PROD = '333333333333';
const REGION = 'eu-west-1';
const naming = new CrosswalkNaming({ projectName: 'Checkin', region: REGION });

/**
 * The build account (artifact store, and stand-ins for the roles that notifying-pipeline
 * creates: the pipeline's, and its checks' and failure notifier's, which read the target
 * accounts) and two target accounts with their deployment roles.
 */
function crosswalkApp(options: { admitted?: string[] } = {}): App {
  // Without aws-cdk-lib's built-in CloudFormation template validation: the model reads the
  // templates, not the validation report, where it only writes warnings (it fails no
  // synthesis without the @aws-cdk/core:validateAgainstDefaultRules flag); it costs ~2.5 s.
  const app = new App({ builtinCloudFormationValidation: false });
  const build = new Stack(app, 'Build', { env: { account: BUILD, region: REGION } });
  const store = new EncryptedArtifactStore(build, 'ArtifactStore', { naming, targetAccounts: options.admitted ?? [DEV, PROD] });
  const pipelineRole = new iam.Role(build, 'PipelineRole', {
    roleName: naming.pipelineRoleName,
    assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com'),
  });
  store.grantReadWrite(pipelineRole);
  pipelineRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: [naming.deploymentRoleArn(DEV), naming.deploymentRoleArn(PROD)],
  }));
  // The change set function (rollback triggers) creates change sets as the deployment roles.
  const changeSets = new iam.Role(build, naming.changeSetRoleName, { roleName: naming.changeSetRoleName, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  changeSets.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: [naming.deploymentRoleArn(DEV), naming.deploymentRoleArn(PROD)],
  }));
  for (const roleName of [naming.pipelineChecksRoleName, naming.failureNotifierRoleName]) {
    const reader = new iam.Role(build, roleName, { roleName, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    reader.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: [naming.readOnlyRoleArn(DEV), naming.readOnlyRoleArn(PROD)],
    }));
  }
  for (const [name, account] of [['Dev', DEV], ['Prod', PROD]]) {
    const stack = new Stack(app, `${name}DeploymentRoles`, { env: { account, region: REGION } });
    new CrossAccountDeploymentRoles(stack, 'Roles', { naming, buildAccountId: BUILD });
  }
  return app;
}

describe('both sides of every cross-account permission', () => {
  test('every principal a resource policy names is a role the other account defines, and its own policy allows the same', () => {
    const model = new CrossAccountModel(crosswalkApp());

    expect(model.mismatches()).toEqual([]);
    // Not vacuous: the store admits 2 roles in each of 2 accounts, both deployment roles trust the
    // pipeline and the change set function, and both read-only roles the checks and the notifier.
    const admitted = new Set(model.resourceGrants.map((g) => g.principalArn));
    expect([...admitted].sort()).toEqual([
      naming.pipelineRoleArn(BUILD),
      naming.changeSetRoleArn(BUILD),
      naming.pipelineChecksRoleArn(BUILD),
      naming.failureNotifierRoleArn(BUILD),
      naming.executionRoleArn(DEV),
      naming.deploymentRoleArn(DEV),
      naming.executionRoleArn(PROD),
      naming.deploymentRoleArn(PROD),
    ].sort());
    for (const role of admitted) {
      expect(model.roles.map((r) => r.arn)).toContain(role);
    }
  });

  test('each target role reaches the build account only where the store admits it, action for action', () => {
    const model = new CrossAccountModel(crosswalkApp());
    const reaches = (roleArn: string) => model.identityGrants
      .filter((g) => g.roleArn === roleArn)
      .map((g) => `${g.action} ${g.resource}`)
      .sort();
    const bucket = naming.artifactBucketArn(BUILD);
    const key = naming.artifactKeyArnPattern(BUILD);
    for (const account of [DEV, PROD]) {
      expect(reaches(naming.deploymentRoleArn(account))).toEqual([
        `kms:Decrypt ${key}`, `kms:DescribeKey ${key}`,
        `s3:GetBucketLocation ${bucket}`, `s3:GetObject ${bucket}/*`, `s3:GetObjectVersion ${bucket}/*`,
        `s3:ListBucket ${bucket}`,
      ]);
      expect(reaches(naming.executionRoleArn(account))).toEqual([
        `kms:Decrypt ${key}`, `s3:GetObject ${bucket}/assets/*`, `s3:GetObjectVersion ${bucket}/assets/*`,
      ]);
      const admittedFor = (roleArn: string) => model.resourceGrants.filter((g) => g.principalArn === roleArn).length;
      expect(admittedFor(naming.deploymentRoleArn(account))).toBe(6);
      expect(admittedFor(naming.executionRoleArn(account))).toBe(3);
    }
  });

  test('the target accounts trust the pipeline role and the change set function to deploy, and the checks and notifier roles only to read', () => {
    const model = new CrossAccountModel(crosswalkApp());
    const trusts = model.resourceGrants.filter((g) => g.stack.endsWith('DeploymentRoles'));
    expect(trusts.map((g) => [g.stack, g.principalArn, g.action, g.resource])).toEqual([DEV, PROD].flatMap((account) => {
      const stack = account === DEV ? 'DevDeploymentRoles' : 'ProdDeploymentRoles';
      return [
        [stack, naming.pipelineRoleArn(BUILD), 'sts:AssumeRole', naming.deploymentRoleArn(account)],
        [stack, naming.changeSetRoleArn(BUILD), 'sts:AssumeRole', naming.deploymentRoleArn(account)],
        [stack, naming.pipelineChecksRoleArn(BUILD), 'sts:AssumeRole', naming.readOnlyRoleArn(account)],
        [stack, naming.failureNotifierRoleArn(BUILD), 'sts:AssumeRole', naming.readOnlyRoleArn(account)],
      ];
    }));
  });

  test('a target account the store does not admit shows up as a mismatch', () => {
    const model = new CrossAccountModel(crosswalkApp({ admitted: [DEV] }));
    const problems = model.mismatches();
    expect(problems.length).toBe(9); // the deployment role's 6 grants and the execution role's 3
    expect(problems.every((p) => p.includes(PROD) && p.includes('the resource\'s policy does not admit it'))).toBe(true);
  });

  test('no policy of the build account names a target role as its principal', () => {
    const app = crosswalkApp();
    const template = app.synth().getStackByName('Build').template;
    const principals: string[] = [];
    const collect = (doc: any) => {
      for (const statement of [].concat(doc?.Statement ?? [])) {
        const aws = (statement as any).Principal?.AWS;
        if (aws) principals.push(...[].concat(aws).map((p) => JSON.stringify(p)));
      }
    };
    for (const resource of Object.values<any>(template.Resources)) {
      collect(resource.Properties?.PolicyDocument);
      collect(resource.Properties?.KeyPolicy);
      collect(resource.Properties?.AssumeRolePolicyDocument);
    }
    expect(principals.length).toBeGreaterThan(0);
    for (const principal of principals) {
      expect(principal).not.toMatch(/:role\//);
      expect(principal === '"*"' || /:iam::\d{12}:root"/.test(principal)).toBe(true);
    }
  });
});

describe('covers', () => {
  test('matches IAM wildcards, and a narrower pattern', () => {
    expect(covers('arn:aws:s3:::b/*', 'arn:aws:s3:::b/assets/*')).toBe(true);
    expect(covers('arn:aws:s3:::b/assets/*', 'arn:aws:s3:::b/*')).toBe(false);
    expect(covers('arn:aws:s3:::b', 'arn:aws:s3:::b/x')).toBe(false);
  });
});
