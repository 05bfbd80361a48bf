import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { ConventionRolesCheck, ConventionRolesCheckProps, CrossAccountDeploymentRoles, CrosswalkNaming } from '../src';

const BUILD = '111111111111';
const DEV = '222222222222';
const naming = new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1' });

/**
 * An app without aws-cdk-lib's built-in CloudFormation template validation: these tests read
 * the check's own report (the first) and what a failed check throws; that validation, which
 * without the @aws-cdk/core:validateAgainstDefaultRules flag only adds warnings of its own
 * (it fails no synthesis), costs each test file ~2.5 s.
 */
const newApp = (): App => new App({ builtinCloudFormationValidation: false });

/** Synthesizes one service stack of the dev account under the check; returns the findings by rule. */
function findings(build: (stack: Stack) => void, props: Partial<ConventionRolesCheckProps> = {}): Record<string, string> {
  const app = newApp();
  Validations.of(app).addPlugins(new ConventionRolesCheck({ naming, buildAccountId: BUILD, ...props }));
  const stack = new Stack(app, 'Checkin-Service', { env: { account: DEV, region: naming.region } });
  CrossAccountDeploymentRoles.applyPermissionsBoundary(stack, naming);
  build(stack);
  try {
    app.synth();
    return {};
  } catch {
    const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf-8'));
    return Object.fromEntries(report.pluginReports[0].violations.map((v: any) => [v.ruleName, v.description]));
  }
}

function fn(stack: Stack, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1'), ...props });
}

describe('ConventionRolesCheck', () => {
  test('a function with a function URL, an alias and a custom canary deploys through the default execution policy', () => {
    expect(findings((stack) => {
      const api = fn(stack, 'Api');
      api.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
      const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: api.currentVersion });
      new codedeploy.LambdaDeploymentGroup(stack, 'Deploy', {
        alias,
        deploymentConfig: new codedeploy.LambdaDeploymentConfig(stack, 'Canary', {
          trafficRouting: new codedeploy.TimeBasedCanaryTrafficRouting({ interval: Duration.minutes(7), percentage: 10 }),
        }),
      });
    })).toEqual({});
  });

  test('fails for a function URL when the execution policy given to the roles does not allow it', () => {
    const withoutUrls = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        actions: ['lambda:CreateFunction', 'lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:DeleteFunction', 'lambda:TagResource', 'iam:*Role*'],
        resources: ['*'],
      })],
    });
    const found = findings((stack) => fn(stack, 'Api').addFunctionUrl(), { executionPolicy: withoutUrls });
    expect(found.ExecutionPolicy).toMatch(/ApiFunctionUrl\w+ \(AWS::Lambda::Url\): the execution role may not lambda:CreateFunctionUrlConfig, lambda:GetFunctionUrlConfig, lambda:UpdateFunctionUrlConfig, lambda:DeleteFunctionUrlConfig on arn:aws:lambda:eu-west-1:222222222222:function:Checkin-Service-Api/);
  });

  test('fails for a parameter named in another case than the project, with the name to use, on both sides', () => {
    const found = findings((stack) => {
      new ssm.StringParameter(stack, 'ApiUrl', { parameterName: '/checkin/api-url', stringValue: 'https://example.com' });
      const reader = fn(stack, 'Reader');
      reader.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [`arn:aws:ssm:eu-west-1:${DEV}:parameter/checkin/api-url`] }));
    });
    expect(found.ExecutionPolicy).toMatch(/ApiUrl\w+ \(AWS::SSM::Parameter named '\/checkin\/api-url'\): the execution role may not ssm:PutParameter, ssm:GetParameters, ssm:DeleteParameter, ssm:AddTagsToResource on arn:aws:ssm:eu-west-1:222222222222:parameter\/checkin\/api-url: names are compared case-sensitively; use '\/Checkin\/api-url'/);
    expect(found.PermissionsBoundary).toContain('may ssm:GetParameter on arn:aws:ssm:eu-west-1:222222222222:parameter/checkin/api-url by its policy, but the Checkin-eu-west-1-PermissionsBoundary boundary does not allow it');
    expect(found.PermissionsBoundary).toContain('use \'/Checkin/api-url\'');
  });

  test('passes for the project\'s own parameter path', () => {
    expect(findings((stack) => {
      new ssm.StringParameter(stack, 'ApiUrl', { parameterName: '/Checkin/api-url', stringValue: 'https://example.com' });
      fn(stack, 'Reader').addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [`arn:aws:ssm:eu-west-1:${DEV}:parameter/Checkin/api-url`] }));
    })).toEqual({});
  });

  test('fails for a function named outside the project prefix, and says which name to use', () => {
    expect(findings((stack) => fn(stack, 'Api', { functionName: 'checkin-api' })).ExecutionPolicy)
      .toContain('names are compared case-sensitively; use \'Checkin-api\'');
    expect(findings((stack) => fn(stack, 'Api', { functionName: 'orders' })).ExecutionPolicy)
      .toContain('name it \'Checkin-orders\' (the project\'s prefix)');
  });

  test('fails for a resource type the execution policy was not reviewed for, and passes once its actions are allowed and listed', () => {
    const queue = (stack: Stack) => new sqs.Queue(stack, 'Queue');
    expect(findings(queue).ExecutionPolicy).toMatch(/Queue\w+ is a AWS::SQS::Queue, whose permissions the execution policy was not reviewed for/);
    const actions = ['sqs:CreateQueue', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:DeleteQueue'];
    expect(findings(queue, { resourceTypeActions: { 'AWS::SQS::Queue': actions } }).ExecutionPolicy)
      .toContain('needs sqs:CreateQueue, sqs:GetQueueAttributes, sqs:SetQueueAttributes, sqs:DeleteQueue, which the execution policy does not allow');
    expect(findings(queue, {
      resourceTypeActions: { 'AWS::SQS::Queue': actions },
      additionalExecutionStatements: [new iam.PolicyStatement({ actions, resources: [`arn:aws:sqs:eu-west-1:${DEV}:Checkin-*`] })],
    })).toEqual({});
  });

  test('judges each stack against the roles of its own region: a second region\'s stack carries that region\'s boundary', () => {
    const west = naming.forRegion('us-west-2');
    const inWest = (boundaryOf: CrosswalkNaming) => {
      const app = newApp();
      Validations.of(app).addPlugins(new ConventionRolesCheck({ naming, buildAccountId: BUILD }));
      const stack = new Stack(app, 'Checkin-Service-West', { env: { account: DEV, region: 'us-west-2' } });
      CrossAccountDeploymentRoles.applyPermissionsBoundary(stack, boundaryOf);
      new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      fn(stack, 'Api');
      return () => app.synth();
    };
    // us-west-2's execution role creates roles only with us-west-2's boundary (IAM names are global, each region has its own).
    expect(inWest(west)).not.toThrow();
    expect(inWest(naming)).toThrow(/execution role \(Checkin-us-west-2-CfnExecutionRole\) cannot create these resources: .*may not iam:CreateRole/s);
  });

  test('fails for a role without the permissions boundary, pointing at applyPermissionsBoundary', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new ConventionRolesCheck({ naming, buildAccountId: BUILD }));
    const stack = new Stack(app, 'Checkin-Service', { env: { account: DEV, region: naming.region } });
    new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => app.synth()).toThrow(/the execution role may not iam:CreateRole.*the role carries no permissions boundary; apply it with CrossAccountDeploymentRoles.applyPermissionsBoundary/s);
  });

  test('checks only stacks named with the project prefix: the roles stack of a target account is deployed by hand', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new ConventionRolesCheck({ naming, buildAccountId: BUILD }));
    const roles = new Stack(app, 'CheckinDeploymentRoles-dev', { env: { account: DEV, region: naming.region } });
    new CrossAccountDeploymentRoles(roles, 'DeploymentRoles', { naming, buildAccountId: BUILD });
    expect(() => app.synth()).not.toThrow();
    const named = newApp();
    Validations.of(named).addPlugins(new ConventionRolesCheck({ naming, buildAccountId: BUILD }));
    new sqs.Queue(new Stack(named, 'Queues', { stackName: 'Checkin-Queues', env: { account: DEV, region: naming.region } }), 'Queue');
    expect(() => named.synth()).toThrow(/is a AWS::SQS::Queue/);
  });

  test('checks only stacks of target accounts, and refuses a resourceTypeActions entry that is not a type', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new ConventionRolesCheck({ naming, buildAccountId: BUILD }));
    new sqs.Queue(new Stack(app, 'Checkin-Build', { env: { account: BUILD, region: naming.region } }), 'Queue');
    expect(() => app.synth()).not.toThrow();
    expect(() => new ConventionRolesCheck({ naming, buildAccountId: BUILD, resourceTypeActions: { Queue: ['sqs:CreateQueue'] } }))
      .toThrow('resourceTypeActions must map a CloudFormation type such as \'AWS::SQS::Queue\' to the actions CloudFormation needs for it, got \'Queue\' with 1 actions');
  });
});
