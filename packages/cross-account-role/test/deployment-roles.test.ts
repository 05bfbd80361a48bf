import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CrossAccountDeploymentRoles, CrossAccountDeploymentRolesProps, CrosswalkNaming } from '../src';
import { newApp, synthWithAwsSolutions } from '../../../test-support/nag';

const BUILD = '111111111111';
const DEV = '222222222222';
const naming = new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1' });

interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string[];
  readonly Resource: any[];
  readonly Condition?: any;
  /** Logical id of the role or policy, and the policy name for inline policies. */
  readonly in: string;
}

function rolesStack(props: Partial<CrossAccountDeploymentRolesProps> = {}, app: App = newApp()) {
  const stack = new Stack(app, 'DevRoles', { env: { account: DEV, region: 'eu-west-1' } });
  const roles = new CrossAccountDeploymentRoles(stack, 'Roles', { naming, buildAccountId: BUILD, ...props });
  return { stack, roles };
}

/** The template of the default roles stack: synthesized once, for the tests that only read it. */
let defaultRoles: Template | undefined;
const defaultTemplate = (): Template => (defaultRoles ??= Template.fromStack(rolesStack().stack));

const list = (value: any): any[] => (value === undefined ? [] : [].concat(value));

/** Every identity-policy statement of the template (inline, managed and separate policies). */
function identityStatements(template: Template): Statement[] {
  const found: Statement[] = [];
  const add = (where: string, doc: any) => {
    for (const s of list(doc?.Statement)) {
      found.push({ ...s, Action: list(s.Action), Resource: list(s.Resource), in: where });
    }
  };
  for (const [id, resource] of Object.entries<any>(template.toJSON().Resources)) {
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of list(resource.Properties.Policies)) add(`${id}/${policy.PolicyName}`, policy.PolicyDocument);
    }
    if (resource.Type === 'AWS::IAM::ManagedPolicy' || resource.Type === 'AWS::IAM::Policy') add(id, resource.Properties.PolicyDocument);
  }
  return found;
}

function roleLogicalId(template: Template, roleName: string): string {
  const [id] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } }));
  if (!id) throw new Error(`no role named ${roleName}`);
  return id;
}

/** The statements of one role's inline policies. */
function statementsOfRole(template: Template, roleName: string): Statement[] {
  const id = roleLogicalId(template, roleName);
  return identityStatements(template).filter((s) => s.in.startsWith(`${id}/`));
}

describe('CrossAccountDeploymentRoles', () => {
  describe('read-only role', () => {
    test('is trusted only by the build account\'s pipeline checks and failure notifier roles, by convention name', () => {
      const template = defaultTemplate();
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'Checkin-eu-west-1-ReadOnlyRole',
        AssumeRolePolicyDocument: {
          Statement: Match.exact([{
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${BUILD}:root`]] } },
            Condition: {
              ArnEquals: {
                'aws:PrincipalArn': [
                  `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-PipelineChecksRole`,
                  `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-FailureNotifierRole`,
                ],
              },
            },
          }]),
        },
      });
    });

    test('reads the project\'s change sets, stacks, alarms and deployments, and can write nothing', () => {
      const template = defaultTemplate();
      const statements = statementsOfRole(template, naming.readOnlyRoleName);
      expect(statements.map((s) => [s.Effect, s.Action, s.Resource])).toEqual([
        ['Allow', [
          'cloudformation:DescribeChangeSet', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate',
        ], [`arn:aws:cloudformation:eu-west-1:${DEV}:stack/Checkin-*/*`]],
        ['Allow', ['cloudformation:DescribeEvents'], [`arn:aws:cloudformation:eu-west-1:${DEV}:changeSet/Checkin-*/*`, `arn:aws:cloudformation:eu-west-1:${DEV}:stack/Checkin-*/*`]],
        // By prefix, DescribeAlarms is authorized on alarm:*, not on the alarms it returns.
        ['Allow', ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'], [`arn:aws:cloudwatch:eu-west-1:${DEV}:alarm:*`]],
        ['Allow', ['codedeploy:GetDeployment'], [`arn:aws:codedeploy:eu-west-1:${DEV}:deploymentgroup:Checkin-*/*`]],
        // No resource type in the Service Authorization Reference: * is what AWS evaluates.
        ['Allow', ['codedeploy:BatchGetDeploymentTargets', 'codedeploy:ListDeploymentTargets'], ['*']],
      ]);
      // Read-only by construction: every action is a Describe, Get, List or BatchGet.
      for (const action of statements.flatMap((s) => s.Action)) {
        expect(action).toMatch(/^[a-z]+:(Describe|Get|List|BatchGet)/);
      }
    });

    test('is protected from the project\'s stacks like the other convention roles', () => {
      const template = defaultTemplate();
      const deny = statementsOfRole(template, naming.executionRoleName).find((s) => s.Sid === 'ProtectConventionRoles')!;
      expect(deny.Resource).toContain(naming.readOnlyRoleArn(DEV));
      expect(deny.Action).toEqual(expect.arrayContaining(['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']));
    });
  });

  describe('deployment role', () => {
    test('may resolve the project\'s SSM parameters that a template names (read-only), and no other parameter', () => {
      const statements = statementsOfRole(defaultTemplate(), naming.deploymentRoleName).filter((s) => s.Action.some((a: string) => a.startsWith('ssm:')));
      expect(statements.map((s) => [s.Action, s.Resource])).toEqual([[
        ['ssm:GetParameters'],
        [`arn:aws:ssm:eu-west-1:${DEV}:parameter/Checkin-*`, `arn:aws:ssm:eu-west-1:${DEV}:parameter/Checkin/*`],
      ]]);
    });

    test('is named by convention and trusted only by the build account\'s pipeline role and its change set function (the change set with rollback triggers)', () => {
      const template = defaultTemplate();
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'Checkin-eu-west-1-DeploymentRole',
        AssumeRolePolicyDocument: {
          Statement: Match.exact([{
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${BUILD}:root`]] } },
            Condition: { ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-PipelineRole`, `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-ChangeSetRole`] } },
          }]),
        },
      });
    });

    test('with trustChangeSetFunction: false (an account that does not revert on alarm), only the pipeline role', () => {
      const app = new App();
      const stack = new Stack(app, 'CheckinDeploymentRoles-dev', { env: { account: DEV, region: 'eu-west-1' } });
      new CrossAccountDeploymentRoles(stack, 'Roles', { naming, buildAccountId: BUILD, trustChangeSetFunction: false });
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'Checkin-eu-west-1-DeploymentRole',
        AssumeRolePolicyDocument: { Statement: Match.exact([Match.objectLike({ Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-PipelineRole` } } })]) },
      });
    });

    test('acts on CloudFormation stacks and change sets only for the project\'s stacks', () => {
      const template = defaultTemplate();
      const cfn = identityStatements(template)
        .filter((s) => s.Action.some((a) => a.startsWith('cloudformation:')) && !s.in.startsWith(`${roleLogicalId(template, naming.readOnlyRoleName)}/`));
      expect(cfn.map((s) => s.Sid).sort()).toEqual(['ChangeProjectStacksWithExecutionRole', 'OperateProjectStacks']);
      for (const statement of cfn) {
        expect(statement.in).toMatch(new RegExp(`^${roleLogicalId(template, naming.deploymentRoleName)}/`));
        expect(statement.Resource).toEqual([`arn:aws:cloudformation:eu-west-1:${DEV}:stack/Checkin-*/*`]);
      }
      const actions = cfn.flatMap((s) => s.Action);
      expect(actions).toEqual(expect.arrayContaining([
        'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet',
        'cloudformation:DeleteChangeSet', 'cloudformation:CreateStack', 'cloudformation:UpdateStack',
        'cloudformation:DeleteStack', 'cloudformation:DescribeStacks',
      ]));
    });

    test('creates and updates stacks only with the execution role', () => {
      const template = defaultTemplate();
      const change = identityStatements(template).find((s) => s.Sid === 'ChangeProjectStacksWithExecutionRole')!;
      expect(change.Action.sort()).toEqual(['cloudformation:CreateChangeSet', 'cloudformation:CreateStack', 'cloudformation:UpdateStack']);
      expect(change.Condition).toEqual({ StringEquals: { 'cloudformation:RoleArn': `arn:aws:iam::${DEV}:role/Checkin-eu-west-1-CfnExecutionRole` } });
    });

    test('only reads the artifact bucket and key of the build account, by convention name', () => {
      const template = defaultTemplate();
      const artifacts = statementsOfRole(template, naming.deploymentRoleName).filter((s) => s.in.endsWith('/ArtifactStore'));
      expect(artifacts.map(({ in: _, ...s }) => s)).toEqual([
        { Sid: 'ArtifactBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: ['arn:aws:s3:::checkin-artifacts-111111111111-eu-west-1'] },
        { Sid: 'ArtifactObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: ['arn:aws:s3:::checkin-artifacts-111111111111-eu-west-1/*'] },
        {
          Sid: 'ArtifactKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: [`arn:aws:kms:eu-west-1:${BUILD}:key/*`],
          Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/Checkin/eu-west-1/artifacts' } },
        },
      ]);
    });
  });

  describe('in a second region of the same account (a pipeline that deploys to several regions)', () => {
    const west = naming.forRegion('us-west-2');
    const template = (() => {
      const app = new App();
      const stack = new Stack(app, 'CheckinDeploymentRoles-dev-us-west-2', { env: { account: DEV, region: 'us-west-2' } });
      new CrossAccountDeploymentRoles(stack, 'Roles', { naming: west, buildAccountId: BUILD });
      return Template.fromStack(stack);
    })();

    test('its roles carry the region in their names and trust the pipeline region\'s build-account roles', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'Checkin-us-west-2-DeploymentRole',
        AssumeRolePolicyDocument: { Statement: Match.exact([Match.objectLike({ Condition: { ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-PipelineRole`, `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-ChangeSetRole`] } } })]) },
      });
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'Checkin-us-west-2-ReadOnlyRole',
        AssumeRolePolicyDocument: { Statement: Match.exact([Match.objectLike({ Condition: { ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-PipelineChecksRole`, `arn:aws:iam::${BUILD}:role/Checkin-eu-west-1-FailureNotifierRole`] } } })]) },
      });
    });

    test('they act on that region\'s stacks and read that region\'s artifact store, where CodePipeline puts a cross-region action\'s artifacts', () => {
      const deployment = statementsOfRole(template, west.deploymentRoleName);
      expect(deployment.find((s) => s.Sid === 'OperateProjectStacks')!.Resource).toEqual([`arn:aws:cloudformation:us-west-2:${DEV}:stack/Checkin-*/*`]);
      expect(deployment.find((s) => s.Sid === 'ArtifactObjects')!.Resource).toEqual(['arn:aws:s3:::checkin-artifacts-111111111111-us-west-2/*']);
      expect(deployment.find((s) => s.Sid === 'ArtifactKey')!.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/Checkin/us-west-2/artifacts' } });
      const resources = JSON.stringify(identityStatements(template).map((s) => s.Resource));
      expect(resources).not.toContain('eu-west-1');
    });
  });

  describe('execution role', () => {
    test('is named by convention and trusted only by CloudFormation', () => {
      const template = defaultTemplate();
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'Checkin-eu-west-1-CfnExecutionRole',
        AssumeRolePolicyDocument: {
          Statement: Match.exact([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'cloudformation.amazonaws.com' } }]),
        },
      });
    });

    test('is passable only by the deployment role, and only to CloudFormation', () => {
      const template = defaultTemplate();
      const executionRoleArn = `arn:aws:iam::${DEV}:role/Checkin-eu-west-1-CfnExecutionRole`;
      const allowsPassing = identityStatements(template).filter((s) => s.Effect === 'Allow' && s.Action.includes('iam:PassRole'));
      const passesExecutionRole = allowsPassing.filter((s) => s.Resource.includes(executionRoleArn));
      expect(passesExecutionRole).toHaveLength(1);
      expect(passesExecutionRole[0].in).toBe(`${roleLogicalId(template, naming.deploymentRoleName)}/ProjectStacks`);
      expect(passesExecutionRole[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
      // The execution role may pass project roles to their services, but an explicit deny
      // keeps the convention roles out of that pattern.
      const deny = statementsOfRole(template, naming.executionRoleName).find((s) => s.Sid === 'ProtectConventionRoles')!;
      expect(deny.Effect).toBe('Deny');
      expect(deny.Action).toEqual(expect.arrayContaining(['iam:PassRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']));
      expect(deny.Resource).toEqual([
        `arn:aws:iam::${DEV}:role/Checkin-eu-west-1-DeploymentRole`, executionRoleArn, `arn:aws:iam::${DEV}:role/Checkin-eu-west-1-ReadOnlyRole`,
      ]);
    });

    test('reads only the published code assets of the artifact store', () => {
      const template = defaultTemplate();
      const s3 = statementsOfRole(template, naming.executionRoleName).filter((s) => s.Action.some((a) => a.startsWith('s3:')));
      expect(s3).toHaveLength(1);
      expect(s3[0].Action).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
      expect(s3[0].Resource).toEqual(['arn:aws:s3:::checkin-artifacts-111111111111-eu-west-1/assets/*']);
      const kms = statementsOfRole(template, naming.executionRoleName).filter((s) => s.Action.some((a) => a.startsWith('kms:')));
      expect(kms.map((s) => [s.Action, s.Resource, s.Condition])).toEqual([[
        ['kms:Decrypt'],
        [`arn:aws:kms:eu-west-1:${BUILD}:key/*`],
        { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/Checkin/eu-west-1/artifacts' } },
      ]]);
    });

    test('creates roles only with the convention permissions boundary', () => {
      const template = defaultTemplate();
      const statements = statementsOfRole(template, naming.executionRoleName);
      const roleWrites = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy'];
      for (const action of roleWrites) {
        const allowing = statements.filter((s) => s.Effect === 'Allow' && s.Action.includes(action));
        expect(allowing).toHaveLength(1);
        expect(allowing[0].Resource).toEqual([`arn:aws:iam::${DEV}:role/Checkin-*`]);
        expect(allowing[0].Condition).toEqual({ StringEquals: { 'iam:PermissionsBoundary': `arn:aws:iam::${DEV}:policy/Checkin-eu-west-1-PermissionsBoundary` } });
      }
      const neverLift = statements.find((s) => s.Sid === 'NeverLiftABoundary')!;
      expect([neverLift.Effect, neverLift.Action]).toEqual(['Deny', ['iam:DeleteRolePermissionsBoundary']]);
    });

    test('by default covers a serverless API\'s resources, scoped to the project prefix where ARNs carry names', () => {
      const template = defaultTemplate();
      const statements = statementsOfRole(template, naming.executionRoleName).filter((s) => s.in.endsWith('/Execution'));
      const resourcesOf = (action: string) => statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);
      expect(resourcesOf('lambda:CreateFunction')).toEqual([`arn:aws:lambda:eu-west-1:${DEV}:function:Checkin-*`]);
      expect(resourcesOf('lambda:PublishVersion')).toEqual([`arn:aws:lambda:eu-west-1:${DEV}:function:Checkin-*`]);
      expect(resourcesOf('lambda:CreateAlias')).toEqual([`arn:aws:lambda:eu-west-1:${DEV}:function:Checkin-*`]);
      expect(resourcesOf('lambda:PutFunctionEventInvokeConfig')).toEqual([`arn:aws:lambda:eu-west-1:${DEV}:function:Checkin-*`]);
      expect(resourcesOf('dynamodb:CreateTable')).toEqual([`arn:aws:dynamodb:eu-west-1:${DEV}:table/Checkin-*`]);
      expect(resourcesOf('dynamodb:CreateTableReplica')).toEqual([`arn:aws:dynamodb:eu-west-1:${DEV}:table/Checkin-*`]); // TableV2
      expect(resourcesOf('codedeploy:CreateDeploymentGroup')).toEqual([`arn:aws:codedeploy:eu-west-1:${DEV}:deploymentgroup:Checkin-*/*`]);
      expect(resourcesOf('codedeploy:CreateApplication')).toEqual([`arn:aws:codedeploy:eu-west-1:${DEV}:application:Checkin-*`]);
      expect(resourcesOf('cloudwatch:PutMetricAlarm')).toEqual([`arn:aws:cloudwatch:eu-west-1:${DEV}:alarm:Checkin-*`]);
      expect(resourcesOf('ssm:PutParameter')).toEqual([
        `arn:aws:ssm:eu-west-1:${DEV}:parameter/Checkin-*`,
        `arn:aws:ssm:eu-west-1:${DEV}:parameter/Checkin/*`,
      ]);
      expect(resourcesOf('logs:CreateLogGroup')).toEqual([
        `arn:aws:logs:eu-west-1:${DEV}:log-group:Checkin-*`,
        `arn:aws:logs:eu-west-1:${DEV}:log-group:/aws/lambda/Checkin-*`,
        `arn:aws:logs:eu-west-1:${DEV}:log-group:/Checkin/*`,
      ]);
      // API Gateway ARNs carry ids, not names: the region's REST APIs.
      expect(resourcesOf('apigateway:POST')).toEqual(expect.arrayContaining(['arn:aws:apigateway:eu-west-1::/restapis', 'arn:aws:apigateway:eu-west-1::/restapis/*']));
      const passRole = statements.find((s) => s.Sid === 'PassProjectRolesToTheirServices')!;
      expect(passRole.Condition.StringEquals['iam:PassedToService'].sort()).toEqual(['apigateway.amazonaws.com', 'codedeploy.amazonaws.com', 'lambda.amazonaws.com']);
    });

    test('fits IAM\'s quota for a role\'s inline policies, and the boundary fits a managed policy\'s', () => {
      const template = defaultTemplate();
      const size = (doc: any) => JSON.stringify(doc).replace(/\s/g, '').length;
      const execution = template.toJSON().Resources[roleLogicalId(template, naming.executionRoleName)];
      const inline = (execution.Properties.Policies as any[]).reduce((sum, p) => sum + size(p.PolicyDocument), 0);
      expect(inline).toBeLessThanOrEqual(10_240);
      const [boundary] = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'));
      expect(size(boundary.Properties.PolicyDocument)).toBeLessThanOrEqual(6_144);
    });

    test('executionPolicy replaces the default, while artifact access and the guardrails stay', () => {
      const executionPolicy = new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['sqs:CreateQueue'], resources: [`arn:aws:sqs:eu-west-1:${DEV}:Checkin-orders`] })],
      });
      const template = Template.fromStack(rolesStack({ executionPolicy }).stack);
      const statements = statementsOfRole(template, naming.executionRoleName);
      expect(statements.filter((s) => s.in.endsWith('/Execution')).map((s) => s.Action)).toEqual([['sqs:CreateQueue']]);
      expect(statements.filter((s) => s.in.endsWith('/ArtifactCodeAssets'))).toHaveLength(2);
      expect(statements.filter((s) => s.in.endsWith('/Guardrails')).map((s) => s.Sid)).toEqual(['ProtectConventionRoles', 'ProtectPermissionsBoundary', 'NeverLiftABoundary']);
    });

    test('executionManagedPolicies are attached to the execution role', () => {
      const app = newApp();
      const shared = new Stack(app, 'Shared', { env: { account: DEV, region: 'eu-west-1' } });
      const policy = new iam.ManagedPolicy(shared, 'Queues', {
        statements: [new iam.PolicyStatement({ actions: ['sqs:CreateQueue'], resources: [`arn:aws:sqs:eu-west-1:${DEV}:Checkin-*`] })],
      });
      const { stack } = rolesStack({ executionManagedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(shared, 'Imported', policy.managedPolicyArn)] }, app);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
        RoleName: naming.executionRoleName,
        ManagedPolicyArns: Match.arrayWith([Match.objectLike({ 'Fn::ImportValue': Match.anyValue() })]),
      });
    });

    test('addToExecutionPolicy extends the default', () => {
      const { stack, roles } = rolesStack();
      roles.addToExecutionPolicy(new iam.PolicyStatement({ actions: ['sqs:CreateQueue'], resources: [`arn:aws:sqs:eu-west-1:${DEV}:Checkin-orders`] }));
      const statements = identityStatements(Template.fromStack(stack));
      expect(statements.find((s) => s.Action.includes('sqs:CreateQueue'))).toBeDefined();
      expect(statements.find((s) => s.Action.includes('lambda:CreateFunction'))).toBeDefined();
    });
  });

  describe('permissions boundary', () => {
    test('is a managed policy named by convention that caps the runtime needs of a serverless API', () => {
      const template = defaultTemplate();
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'Checkin-eu-west-1-PermissionsBoundary' });
      const boundary = identityStatements(template).filter((s) => s.in.includes('PermissionsBoundary'));
      const actions = boundary.flatMap((s) => s.Action);
      expect(actions).toEqual(expect.arrayContaining(['logs:PutLogEvents', 'xray:PutTraceSegments', 'dynamodb:PutItem', 'codedeploy:PutLifecycleEventHookExecutionStatus', 'lambda:InvokeFunction']));
      expect(actions.filter((a) => a.startsWith('iam:') || a.startsWith('sts:'))).toEqual([]);
      expect(boundary.find((s) => s.Action.includes('dynamodb:PutItem'))!.Resource).toEqual([`arn:aws:dynamodb:eu-west-1:${DEV}:table/Checkin-*`]);
    });

    test('permissionsBoundaryPolicy replaces the default and addToPermissionsBoundary extends it', () => {
      const permissionsBoundaryPolicy = new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [`arn:aws:logs:eu-west-1:${DEV}:log-group:*`] })],
      });
      const { stack, roles } = rolesStack({ permissionsBoundaryPolicy });
      roles.addToPermissionsBoundary(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [`arn:aws:sqs:eu-west-1:${DEV}:Checkin-orders`] }));
      const boundary = identityStatements(Template.fromStack(stack)).filter((s) => s.in.includes('PermissionsBoundary'));
      expect(boundary.map((s) => s.Action)).toEqual([['logs:PutLogEvents'], ['sqs:SendMessage']]);
    });

    test('applyPermissionsBoundary makes every role of a service stack carry the boundary', () => {
      const app = newApp();
      const service = new Stack(app, 'Checkin-Service', { env: { account: DEV, region: 'eu-west-1' } });
      new iam.Role(service, 'FunctionRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      new iam.Role(service, 'DeploymentGroupRole', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') });
      CrossAccountDeploymentRoles.applyPermissionsBoundary(service, naming);
      CrossAccountDeploymentRoles.applyPermissionsBoundary(service, naming); // twice is harmless
      const roles = Template.fromStack(service).findResources('AWS::IAM::Role');
      expect(Object.keys(roles)).toHaveLength(2);
      for (const role of Object.values<any>(roles)) {
        expect(JSON.stringify(role.Properties.PermissionsBoundary)).toContain(':policy/Checkin-eu-west-1-PermissionsBoundary');
      }
    });
  });

  test('no statement allows every action, in any policy or trust', () => {
    const template = defaultTemplate();
    const allows = identityStatements(template).filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(10);
    for (const statement of allows) {
      expect(statement.Action).not.toContain('*');
      expect(statement.Action.filter((a) => a.endsWith(':*'))).toEqual([]);
      if (statement.Resource.includes('*')) {
        // Only actions that support no resource-level permissions: X-Ray in the boundary, the
        // account-level reads of DynamoDB global tables' handlers in the execution policy, and
        // the CodeDeploy actions for which the Service Authorization Reference lists no resource
        // type (StopDeployment, and the target reads of the read-only role).
        const accountLevel = /^(xray:|application-autoscaling:Describe|cloudwatch:PutMetricData$|dynamodb:DescribeLimits$|codedeploy:(StopDeployment|ListDeploymentTargets|BatchGetDeploymentTargets)$)/;
        expect(statement.Action.filter((a: string) => !accountLevel.test(a))).toEqual([]);
      }
    }
  });

  describe('cdk-nag AwsSolutions', () => {
    test('has no unacknowledged finding, and each acknowledgement says why that resource needs its wildcard', () => {
      const app = newApp();
      rolesStack({}, app);
      const { findings, acknowledged } = synthWithAwsSolutions(app);
      expect(findings).toEqual([]);
      // Only wildcard-resource findings are acknowledged, each on the role or policy that has it.
      for (const ack of acknowledged) {
        expect(ack.ruleName).toMatch(/^AwsSolutions-IAM5\[Resource::/);
        expect(ack.constructPaths).toEqual([`${ack.acknowledgedAt}/Resource`]);
        expect(ack.reason.length).toBeGreaterThan(60);
      }
      const reasonFor = (at: string, resource: string) =>
        acknowledged.find((a) => a.acknowledgedAt === `DevRoles/Roles/${at}` && a.ruleName === `AwsSolutions-IAM5[Resource::${resource}]`)?.reason;
      expect(reasonFor('DeploymentRole', `arn:aws:kms:eu-west-1:${BUILD}:key/*`)).toMatch(/kms:ResourceAliases condition on alias\/Checkin\/eu-west-1\/artifacts/);
      expect(reasonFor('DeploymentRole', `arn:aws:cloudformation:eu-west-1:${DEV}:stack/Checkin-*/*`)).toMatch(/stack ARNs end in a generated id/);
      expect(reasonFor('ExecutionRole', 'arn:aws:s3:::checkin-artifacts-111111111111-eu-west-1/assets/*')).toMatch(/content-hash keys/);
      expect(reasonFor('PermissionsBoundary', '*')).toMatch(/X-Ray .* no resource-level permissions/);
    });

    test('acknowledges nothing of a caller\'s own execution policy or boundary', () => {
      const app = newApp();
      const { roles } = rolesStack({
        executionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['sqs:CreateQueue'], resources: [`arn:aws:sqs:eu-west-1:${DEV}:Checkin-*`] })] }),
        permissionsBoundaryPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [`arn:aws:sqs:eu-west-1:${DEV}:Checkin-*`] })] }),
      }, app);
      expect(roles).toBeDefined();
      const { findings } = synthWithAwsSolutions(app);
      expect(findings.map((f) => [f.ruleName, f.constructPaths])).toEqual([
        [`AwsSolutions-IAM5[Resource::arn:aws:sqs:eu-west-1:${DEV}:Checkin-*]`, ['DevRoles/Roles/ExecutionRole/Resource', 'DevRoles/Roles/PermissionsBoundary/Resource']],
      ]);
    });
  });

  describe('validation', () => {
    test('fails in an environment-agnostic stack', () => {
      const stack = new Stack(new App(), 'Agnostic');
      expect(() => new CrossAccountDeploymentRoles(stack, 'Roles', { naming, buildAccountId: BUILD }))
        .toThrow("CrossAccountDeploymentRoles needs the target account: give stack 'Agnostic' env: { account: '<12-digit target account id>' }");
    });

    test('fails when the build account is the target account', () => {
      const stack = new Stack(new App(), 'Same', { env: { account: BUILD, region: 'eu-west-1' } });
      expect(() => new CrossAccountDeploymentRoles(stack, 'Roles', { naming, buildAccountId: BUILD }))
        .toThrow(`buildAccountId must be another account than the target account of stack 'Same', got '${BUILD}' for both`);
    });

    test('fails in a stack named with the project prefix, whose stack the deployment role could change, and suggests a name', () => {
      const stack = new Stack(new App(), 'Roles', { stackName: 'Checkin-DeploymentRoles-dev', env: { account: DEV, region: 'eu-west-1' } });
      expect(() => new CrossAccountDeploymentRoles(stack, 'Roles', { naming, buildAccountId: BUILD })).toThrow(
        "CrossAccountDeploymentRoles must not be in a stack whose name starts with the project prefix 'Checkin-', got stack 'Checkin-DeploymentRoles-dev': " +
        "the deployment role may operate every 'Checkin-*' stack, so it could change the stack that defines its own permissions; " +
        "name the stack without the prefix, for example 'CheckinDeploymentRoles-<environment>' ('CheckinDeploymentRoles-dev')");
      // The prefix is compared as IAM compares the stack ARN pattern: case-sensitively.
      const lower = new Stack(new App(), 'LowerCase', { stackName: 'checkin-roles', env: { account: DEV, region: 'eu-west-1' } });
      expect(() => new CrossAccountDeploymentRoles(lower, 'Roles', { naming, buildAccountId: BUILD })).not.toThrow();
    });

    test('fails on a build account id that is not 12 digits', () => {
      expect(() => rolesStack({ buildAccountId: '1111-2222-3333' }))
        .toThrow("buildAccountId must be a 12-digit AWS account id, got '1111-2222-3333'");
    });

    test('fails on an execution policy that allows every action', () => {
      const executionPolicy = new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
      expect(() => rolesStack({ executionPolicy })).toThrow("executionPolicy must not allow every action ('*'), the execution role never gets administrator access");
    });

    test('fails on an execution policy that allows NotAction', () => {
      const executionPolicy = new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] })] });
      expect(() => rolesStack({ executionPolicy })).toThrow('executionPolicy must not allow NotAction, which grants every other action');
    });

    test.each(['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'])('fails on %s among the execution managed policies', (name) => {
      expect(() => rolesStack({ executionManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(name)] }))
        .toThrow(new RegExp(`^executionManagedPolicies must not include ${name}: give the execution role the permissions the project's stacks need`));
    });

    test('fails when a statement added later allows every action', () => {
      const { roles } = rolesStack();
      expect(() => roles.addToExecutionPolicy(new iam.PolicyStatement({ actions: ['*'], resources: [`arn:aws:s3:::anything`] })))
        .toThrow("addToExecutionPolicy must not allow every action ('*')");
    });
  });
});
