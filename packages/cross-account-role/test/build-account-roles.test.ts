import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BuildAccountDeploymentRoles, CrosswalkNaming } from '../src';
import { decide, PolicyRequest } from '../src/private/evaluate';
import { newApp, synthWithAwsSolutions } from '../../../test-support/nag';

const BUILD = '111111111111';
const naming = new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1' });
const BOUNDARY = `arn:aws:iam::${BUILD}:policy/Checkin-eu-west-1-PermissionsBoundary`;

function rolesStack(stackName = 'CheckinDeploymentRoles-build', region = 'eu-west-1', roleNaming = naming) {
  const app = newApp();
  const stack = new Stack(app, 'BuildRoles', { stackName, env: { account: BUILD, region } });
  new BuildAccountDeploymentRoles(stack, 'Roles', { naming: roleNaming });
  return { app, stack };
}

let template: any;
const resources = (): Record<string, any> => (template ??= Template.fromStack(rolesStack().stack).toJSON()).Resources;
const list = (value: any): any[] => (value === undefined ? [] : [].concat(value));
const role = (name: string) => Object.values(resources()).find((r: any) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === name);
const statementsOf = (name: string): any[] => list(role(name).Properties.Policies).flatMap((p: any) => list(p.PolicyDocument.Statement));
const execution = (request: PolicyRequest) => decide(statementsOf('Checkin-eu-west-1-CfnExecutionRole'), request);
const boundaryStatements = (): any[] => list((Object.values(resources()).find((r: any) => r.Type === 'AWS::IAM::ManagedPolicy') as any).Properties.PolicyDocument.Statement);

describe('BuildAccountDeploymentRoles', () => {
  test('the deployment role trusts exactly the pipeline role and the change set function of its own account', () => {
    const trust = role('Checkin-eu-west-1-DeploymentRole').Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(JSON.stringify(trust[0].Principal)).toContain(`:iam::${BUILD}:root`);
    expect(trust[0].Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-PipelineRole`, `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-ChangeSetRole`] },
    });
  });

  test('the read-only role trusts exactly the pipeline checks and the failure notifier', () => {
    const [trust] = role('Checkin-eu-west-1-ReadOnlyRole').Properties.AssumeRolePolicyDocument.Statement;
    expect(trust.Condition.ArnEquals['aws:PrincipalArn']).toEqual([
      `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-PipelineChecksRole`, `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-FailureNotifierRole`,
    ]);
    const writes = statementsOf('Checkin-eu-west-1-ReadOnlyRole').flatMap((s) => list(s.Action))
      .filter((a: string) => !/:(Describe|Get|List|BatchGet)/.test(a));
    expect(writes).toEqual([]);
  });

  test('the execution role creates and changes roles only under the boundary, and cannot lift it', () => {
    const projectRole = `arn:aws:iam::${BUILD}:role/Checkin-Pipeline-BuildRole-ABC`;
    expect(execution({ action: 'iam:CreateRole', resource: projectRole, context: { 'iam:PermissionsBoundary': BOUNDARY } })).toBe('allow');
    expect(execution({ action: 'iam:CreateRole', resource: projectRole })).toBe('implicit-deny');
    expect(execution({ action: 'iam:PutRolePolicy', resource: projectRole, context: { 'iam:PermissionsBoundary': `arn:aws:iam::${BUILD}:policy/Other` } })).toBe('implicit-deny');
    expect(execution({ action: 'iam:AttachRolePolicy', resource: projectRole, context: { 'iam:PermissionsBoundary': BOUNDARY } })).toBe('allow');
    expect(execution({ action: 'iam:DeleteRolePermissionsBoundary', resource: projectRole })).toBe('deny');
    // Another team's role of the account, and the convention roles themselves.
    expect(execution({ action: 'iam:CreateRole', resource: `arn:aws:iam::${BUILD}:role/Other-Admin`, context: { 'iam:PermissionsBoundary': BOUNDARY } })).toBe('implicit-deny');
    for (const name of ['DeploymentRole', 'CfnExecutionRole', 'ReadOnlyRole']) {
      expect(execution({ action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-${name}`, context: { 'iam:PermissionsBoundary': BOUNDARY } })).toBe('deny');
    }
    expect(execution({ action: 'iam:CreatePolicyVersion', resource: BOUNDARY })).toBe('deny');
  });

  test('the execution role writes the approvers\' group policy but never adds anyone to a group', () => {
    const group = `arn:aws:iam::${BUILD}:group/Checkin-Pipeline-Approvers-XYZ`;
    expect(execution({ action: 'iam:PutGroupPolicy', resource: group })).toBe('allow');
    expect(execution({ action: 'iam:AddUserToGroup', resource: group })).toBe('implicit-deny');
    expect(execution({ action: 'iam:PutGroupPolicy', resource: `arn:aws:iam::${BUILD}:group/Admins` })).toBe('implicit-deny');
    expect(execution({ action: 'iam:PutUserPolicy', resource: `arn:aws:iam::${BUILD}:user/alice` })).toBe('implicit-deny');
  });

  test('the execution role passes the project\'s roles only to the services of the pipeline\'s stack', () => {
    const projectRole = `arn:aws:iam::${BUILD}:role/Checkin-Pipeline-BuildRole-ABC`;
    for (const service of ['codebuild.amazonaws.com', 'codepipeline.amazonaws.com', 'lambda.amazonaws.com']) {
      expect(execution({ action: 'iam:PassRole', resource: projectRole, context: { 'iam:PassedToService': service } })).toBe('allow');
    }
    expect(execution({ action: 'iam:PassRole', resource: projectRole, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } })).toBe('implicit-deny');
    expect(execution({ action: 'iam:PassRole', resource: `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-CfnExecutionRole`, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } })).toBe('deny');
  });

  test('the execution role acts on the project\'s pipelines, build projects, buckets and topics, not on others of the account', () => {
    const cases: Array<[string, string, string]> = [
      ['codepipeline:UpdatePipeline', 'arn:aws:codepipeline:eu-west-1:111111111111:Checkin-pipeline', 'allow'],
      ['codepipeline:UpdatePipeline', 'arn:aws:codepipeline:eu-west-1:111111111111:payments-pipeline', 'implicit-deny'],
      ['codebuild:UpdateProject', 'arn:aws:codebuild:eu-west-1:111111111111:project/Checkin-pipeline-Build', 'allow'],
      ['codebuild:UpdateProject', 'arn:aws:codebuild:eu-west-1:111111111111:project/PipelineBuildProject5C3F1DAA-xyz', 'implicit-deny'],
      ['s3:PutBucketPolicy', 'arn:aws:s3:::checkin-artifacts-111111111111-eu-west-1', 'allow'],
      ['s3:PutBucketPolicy', 'arn:aws:s3:::payments-data', 'implicit-deny'],
      ['sns:SetTopicAttributes', 'arn:aws:sns:eu-west-1:111111111111:Checkin-Pipeline-NotificationTopic-1', 'allow'],
      ['sns:SetTopicAttributes', 'arn:aws:sns:eu-west-1:111111111111:security-alerts', 'implicit-deny'],
      // Another region: the roles are the pipeline region's.
      ['codepipeline:UpdatePipeline', 'arn:aws:codepipeline:us-west-2:111111111111:Checkin-pipeline', 'implicit-deny'],
    ];
    for (const [action, resource, expected] of cases) expect([action, resource, execution({ action, resource })]).toEqual([action, resource, expected]);
  });

  test('no statement of any policy allows every action, or NotAction', () => {
    const all = [...Object.values(resources()).filter((r: any) => r.Type === 'AWS::IAM::Role').flatMap((r: any) => list(r.Properties.Policies)
      .flatMap((p: any) => list(p.PolicyDocument.Statement))), ...boundaryStatements()];
    for (const statement of all) {
      expect(statement.NotAction).toBeUndefined();
      expect(list(statement.Action)).not.toContain('*');
    }
  });

  test('the boundary lets the pipeline\'s roles assume only the project\'s convention roles', () => {
    const boundary = boundaryStatements();
    expect(decide(boundary, { action: 'sts:AssumeRole', resource: 'arn:aws:iam::222222222222:role/Checkin-eu-west-1-DeploymentRole' })).toBe('allow');
    expect(decide(boundary, { action: 'sts:AssumeRole', resource: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole' })).toBe('implicit-deny');
    expect(decide(boundary, { action: 'iam:CreateRole', resource: `arn:aws:iam::${BUILD}:role/Checkin-x` })).toBe('implicit-deny');
  });

  test('every wildcard is acknowledged with its reason and cdk-nag finds nothing else', () => {
    const { app } = rolesStack();
    const { findings, acknowledged } = synthWithAwsSolutions(app);
    expect(findings).toEqual([]);
    for (const ack of acknowledged) {
      expect(ack.ruleName).toMatch(/^AwsSolutions-IAM5\[(Resource|Action)::/);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
    expect(acknowledged.find((a) => a.ruleName === 'AwsSolutions-IAM5[Resource::*]' && a.acknowledgedAt === 'BuildRoles/Roles/ExecutionRole')?.reason)
      .toMatch(/CreateKey supports no resource-level permission/);
    // The action patterns are only the boundary's, CDK's own grant patterns of the artifact store and keys.
    expect(acknowledged.filter((a) => a.ruleName.includes('[Action::')).map((a) => [a.acknowledgedAt, a.ruleName.replace(/^.*Action::(.*)\]$/, '$1')]).sort())
      .toEqual(['kms:GenerateDataKey*', 'kms:ReEncrypt*', 's3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((a) => ['BuildRoles/Roles/PermissionsBoundary', a]));
  });

  test('an administrator execution policy is refused', () => {
    const stack = new Stack(newApp(), 'S', { stackName: 'CheckinDeploymentRoles-build', env: { account: BUILD, region: 'eu-west-1' } });
    expect(() => new BuildAccountDeploymentRoles(stack, 'Roles', {
      naming,
      executionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] }),
    })).toThrow(/must not allow every action \('\*'\)/);
  });

  test('a stack the pipeline could update itself, another region, or an unknown account is refused with the fix', () => {
    expect(() => rolesStack('Checkin-BuildRoles')).toThrow(/must not be in a stack whose name starts with the project prefix 'Checkin-'.*'CheckinDeploymentRoles-build'/);
    expect(() => rolesStack(undefined, 'us-west-2')).toThrow(/is in region 'us-west-2'.*deploy the stack to 'eu-west-1'/);
    expect(() => rolesStack(undefined, 'us-west-2', naming.forRegion('us-west-2'))).toThrow(/takes the naming of the pipeline's region 'eu-west-1'.*naming.forRegion\('eu-west-1'\)/);
    const stack = new Stack(newApp(), 'S', { stackName: 'CheckinDeploymentRoles-build' });
    expect(() => new BuildAccountDeploymentRoles(stack, 'Roles', { naming })).toThrow(/needs the build account: give stack 'S' env/);
  });
});
