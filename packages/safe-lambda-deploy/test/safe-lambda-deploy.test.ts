import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { InvocationResponseKind, SafeLambdaDeploy, SafeLambdaDeployProps, TrafficShift } from '../src';
import { CONFIG_ENV, DEFAULT_TEST_EVENT, HookConfig, TARGET_ENV } from '../src/contract/hook-config';
import { apiFunction, EXISTING_FUNCTION_ARN, stackWithExistingFunction, stackWithFunction } from './fixtures';

function deploy(props: Omit<SafeLambdaDeployProps, 'lambdaFunction'> = {}) {
  const { app, stack, fn } = stackWithFunction();
  const construct = new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, ...props });
  return { app, stack, fn, construct, template: Template.fromStack(stack) };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } } | lambda.IFunction): string {
  const child = (construct as lambda.Function).node.defaultChild as lambda.CfnFunction;
  return stack.getLogicalId(child);
}

/** The hook function's resource, found by the service name the construct gives it. */
function hookResource(template: Template, hook: 'pre-traffic-hook' | 'post-traffic-hook'): { id: string; props: any } {
  const found = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: hook } } },
  });
  const ids = Object.keys(found);
  expect(ids).toHaveLength(1);
  return { id: ids[0], props: found[ids[0]].Properties };
}

/** The logical id of the (only) published version; CDK suffixes it with a hash of the function's configuration. */
function versionId(template: Template): string {
  const ids = Object.keys(template.findResources('AWS::Lambda::Version'));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function hookConfig(template: Template, hook: 'pre-traffic-hook' | 'post-traffic-hook'): HookConfig {
  return JSON.parse(hookResource(template, hook).props.Environment.Variables[CONFIG_ENV]);
}

/** All statements of the policies attached to the role the function runs with. */
function statementsOfRoleOf(template: Template, functionProps: any): any[] {
  const roleId = functionProps.Role['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

describe('SafeLambdaDeploy', () => {
  test('publishes a version of the function and points the live alias at it', () => {
    const { stack, fn, template } = deploy();

    template.resourceCountIs('AWS::Lambda::Version', 1);
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: logicalId(stack, fn) },
      FunctionVersion: { 'Fn::GetAtt': [versionId(template), 'Version'] },
    });
  });

  test('takes another alias name', () => {
    const { template } = deploy({ aliasName: 'prod' });

    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'prod' });
  });

  test('creates a Lambda deployment group that shifts all traffic at once by default and rolls back on failure, stop and alarm', () => {
    const { template, construct } = deploy();

    expect(construct.trafficShift).toBe(TrafficShift.ALL_AT_ONCE);
    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
    template.hasResourceProperties('AWS::CodeDeploy::Application', { ComputePlatform: 'Lambda' });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayEquals(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM']),
      },
      AlarmConfiguration: { Enabled: true, Alarms: [Match.objectLike({ Name: Match.objectLike({ Ref: Match.stringLikeRegexp('ErrorsAlarm') }) })] },
      DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' },
    });
  });

  test.each([
    ['ALL_AT_ONCE', TrafficShift.ALL_AT_ONCE, 'CodeDeployDefault.LambdaAllAtOnce'],
    ['LINEAR_10_PERCENT_EVERY_1_MINUTE', TrafficShift.LINEAR_10_PERCENT_EVERY_1_MINUTE, 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute'],
    ['CANARY_10_PERCENT_5_MINUTES', TrafficShift.CANARY_10_PERCENT_5_MINUTES, 'CodeDeployDefault.LambdaCanary10Percent5Minutes'],
    ['linear(10, 2)', TrafficShift.linear(10, 2), 'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes'],
    ['canary(10, 30)', TrafficShift.canary(10, 30), 'CodeDeployDefault.LambdaCanary10Percent30Minutes'],
  ])('TrafficShift %s uses the predefined deployment config', (_name, trafficShift, configName) => {
    const { template } = deploy({ trafficShift });

    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: configName });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 0);
  });

  test('a custom linear shift gets its own deployment config', () => {
    const { stack, template, construct } = deploy({ trafficShift: TrafficShift.linear(20, 3) });

    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: 'Lambda',
      TrafficRoutingConfig: { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearInterval: 3, LinearPercentage: 20 } },
    });
    const configId = stack.getLogicalId(construct.node.findChild('DeploymentConfig').node.defaultChild as codedeploy.CfnDeploymentConfig);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: { Ref: configId } });
  });

  test('a custom canary shift gets its own deployment config', () => {
    const { template } = deploy({ trafficShift: TrafficShift.canary(25, 7) });

    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryInterval: 7, CanaryPercentage: 25 } },
    });
  });

  test('the alias update policy names the deployment group and both hooks, and waits for the hooks', () => {
    const { stack, construct, template } = deploy();
    const pre = hookResource(template, 'pre-traffic-hook').id;
    const post = hookResource(template, 'post-traffic-hook').id;

    const alias = Object.values(template.findResources('AWS::Lambda::Alias'))[0] as any;
    expect(alias.DependsOn).toEqual(expect.arrayContaining([pre, post]));
    template.hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: stack.getLogicalId(construct.deploymentGroup.application.node.defaultChild as codedeploy.CfnApplication) },
          DeploymentGroupName: { Ref: stack.getLogicalId(construct.deploymentGroup.node.defaultChild as codedeploy.CfnDeploymentGroup) },
          BeforeAllowTrafficHook: { Ref: pre },
          AfterAllowTrafficHook: { Ref: post },
        },
      },
    });
  });

  test('the pre-traffic hook invokes the new version, the post-traffic hook the alias', () => {
    const { stack, fn, template } = deploy();
    const fnArn = { 'Fn::GetAtt': [logicalId(stack, fn), 'Arn'] };

    expect(hookResource(template, 'pre-traffic-hook').props.Environment.Variables[TARGET_ENV])
      .toEqual({ Ref: versionId(template) });
    expect(hookResource(template, 'post-traffic-hook').props.Environment.Variables[TARGET_ENV])
      .toEqual({ 'Fn::Join': ['', [fnArn, ':live']] });
  });

  test('hook functions run the bundled handlers on Node.js 22 with active tracing, a 2-minute timeout and no asynchronous retries', () => {
    const { app, template } = deploy();

    for (const hook of ['pre-traffic-hook', 'post-traffic-hook'] as const) {
      const { id, props } = hookResource(template, hook);
      expect(props).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 120, TracingConfig: { Mode: 'Active' } });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: id }, MaximumRetryAttempts: 0 });
      // The staged code is the package's esbuild bundle, not the TypeScript source.
      const staged = path.join(app.outdir, `asset.${props.Code.S3Key.replace(/\.zip$/, '')}`, 'index.js');
      expect(fs.readFileSync(staged, 'utf-8')).toContain('PutLifecycleEventHookExecutionStatus');
    }
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('hook timeout, check timeout and log retention are options', () => {
    const { template } = deploy({
      preTrafficHook: { timeout: Duration.minutes(5), checkTimeout: Duration.seconds(45) },
    });

    expect(hookResource(template, 'pre-traffic-hook').props.Timeout).toBe(300);
    expect(hookConfig(template, 'pre-traffic-hook')).toMatchObject({ checkTimeoutMs: 45_000, reportReserveMs: 10_000 });
  });

  test('by default the pre-traffic hook sends a GET / API Gateway event and expects 200, and the post-traffic hook repeats it through the alias', () => {
    const { template } = deploy();
    const expected = [{ name: 'invocation 1', event: DEFAULT_TEST_EVENT, responseKind: 'API_GATEWAY_PROXY', expectedStatusCode: 200, expectedBodyContains: [] }];

    expect(hookConfig(template, 'pre-traffic-hook')).toMatchObject({ hook: 'pre-traffic', invocations: expected, httpChecks: [] });
    expect(hookConfig(template, 'post-traffic-hook')).toMatchObject({ hook: 'post-traffic', invocations: expected, httpChecks: [] });
  });

  test('an invocation check reads answers as API Gateway proxy results for API Gateway events, as function URL answers otherwise, unless told', () => {
    const restEvent = { httpMethod: 'GET', path: '/version', resource: '/version' };
    const urlEvent = { version: '2.0', routeKey: '$default', rawPath: '/version', requestContext: { http: { method: 'GET', path: '/version' } } };
    const { template } = deploy({
      preTrafficHook: {
        invocations: [
          { name: 'default event' },
          { name: 'REST event', event: restEvent },
          { name: 'URL event', event: urlEvent },
          { name: 'queue event', event: { Records: [] } },
          { name: 'plain', event: { Records: [] }, responseKind: InvocationResponseKind.PLAIN },
          { name: 'told', event: { Records: [] }, responseKind: InvocationResponseKind.API_GATEWAY_PROXY, expectedStatusCode: 204 },
        ],
      },
    });

    expect(hookConfig(template, 'pre-traffic-hook').invocations.map((i) => [i.name, i.responseKind])).toEqual([
      ['default event', 'API_GATEWAY_PROXY'],
      ['REST event', 'API_GATEWAY_PROXY'],
      ['URL event', 'FUNCTION_URL'],
      ['queue event', 'FUNCTION_URL'],
      ['plain', 'PLAIN'],
      ['told', 'API_GATEWAY_PROXY'],
    ]);
  });

  test('test events, expected status codes and body texts reach the hooks', () => {
    const event = { httpMethod: 'GET', path: '/version' };
    const { template } = deploy({
      preTrafficHook: { invocations: [{ name: 'version', event, expectedStatusCode: 200, expectedBodyContains: ['"version"'] }] },
      postTrafficHook: {
        baseUrlParameterName: '/crosswalk/api-url',
        httpChecks: [{ path: '/version', expectedBodyContains: ['version'] }, { path: 'https://example.com/health', headers: { accept: 'text/plain' }, expectedStatusCode: 204 }],
      },
    });

    expect(hookConfig(template, 'pre-traffic-hook').invocations).toEqual([
      { name: 'version', event, responseKind: 'API_GATEWAY_PROXY', expectedStatusCode: 200, expectedBodyContains: ['"version"'] },
    ]);
    const post = hookConfig(template, 'post-traffic-hook');
    expect(post.invocations).toEqual([]);
    expect(post.baseUrlParameterName).toBe('/crosswalk/api-url');
    expect(post.httpChecks).toEqual([
      { name: 'GET /version', path: '/version', headers: {}, expectedStatusCode: 200, expectedBodyContains: ['version'] },
      { name: 'GET https://example.com/health', path: 'https://example.com/health', headers: { accept: 'text/plain' }, expectedStatusCode: 204, expectedBodyContains: [] },
    ]);
  });

  test('the errors alarm counts only the new version\'s errors behind the alias and rolls the deployment back', () => {
    const { stack, fn, construct, template } = deploy();
    const fnName = { Ref: logicalId(stack, fn) };
    const alarmId = stack.getLogicalId(construct.errorsAlarm!.node.defaultChild as cloudwatch.CfnAlarm);

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Dimensions: Match.arrayEquals([
        { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [versionId(template), 'Version'] } },
        { Name: 'FunctionName', Value: fnName },
        { Name: 'Resource', Value: { 'Fn::Join': ['', [fnName, ':live']] } },
      ]),
    });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: alarmId } }] },
    });
  });

  test('errors alarm threshold, period and evaluation periods are props', () => {
    const { template } = deploy({ errorsAlarmThreshold: 3, errorsAlarmPeriod: Duration.minutes(2), errorsAlarmEvaluationPeriods: 2 });

    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 3, Period: 120, EvaluationPeriods: 2 });
  });

  test('addAlarm and the alarms prop add rollback alarms, for example the API\'s 5XX alarm', () => {
    const { stack, fn } = stackWithFunction();
    const metric = new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName: '5XXError', dimensionsMap: { ApiName: 'checkin' } });
    const api5xx = new cloudwatch.Alarm(stack, 'Api5xx', { metric, threshold: 1, evaluationPeriods: 1 });
    const latency = new cloudwatch.Alarm(stack, 'Latency', { metric, threshold: 5, evaluationPeriods: 1 });
    const construct = new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, alarms: [latency] });

    construct.addAlarm(api5xx);

    Template.fromStack(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: {
        Enabled: true,
        Alarms: Match.arrayEquals([
          { Name: { Ref: stack.getLogicalId(construct.errorsAlarm!.node.defaultChild as cloudwatch.CfnAlarm) } },
          { Name: { Ref: stack.getLogicalId(latency.node.defaultChild as cloudwatch.CfnAlarm) } },
          { Name: { Ref: stack.getLogicalId(api5xx.node.defaultChild as cloudwatch.CfnAlarm) } },
        ]),
      },
    });
  });

  test('without the errors alarm, caller alarms still roll back', () => {
    const { stack, fn } = stackWithFunction();
    const construct = new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, enableErrorsAlarm: false });
    construct.addAlarm(cloudwatch.Alarm.fromAlarmName(stack, 'Api5xx', 'checkin-5xx'));
    const template = Template.fromStack(stack);

    expect(construct.errorsAlarm).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: 'checkin-5xx' }] },
      AutoRollbackConfiguration: { Enabled: true, Events: Match.arrayWith(['DEPLOYMENT_STOP_ON_ALARM']) },
    });
  });

  test('hooks may report only to this deployment group and invoke only this function\'s versions and aliases', () => {
    const { stack, fn, construct, template } = deploy();
    const group = construct.deploymentGroup.node.defaultChild as codedeploy.CfnDeploymentGroup;
    const application = construct.deploymentGroup.application.node.defaultChild as codedeploy.CfnApplication;
    const groupArn = {
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':codedeploy:eu-west-1:111111111111:deploymentgroup:',
        { Ref: stack.getLogicalId(application) }, '/', { Ref: stack.getLogicalId(group) },
      ]],
    };

    for (const hook of ['pre-traffic-hook', 'post-traffic-hook'] as const) {
      const { props } = hookResource(template, hook);
      const statements = statementsOfRoleOf(template, props);
      const logGroupId = props.LoggingConfig.LogGroup.Ref;
      expect(statements).toEqual(expect.arrayContaining([
        { Effect: 'Allow', Action: 'codedeploy:PutLifecycleEventHookExecutionStatus', Resource: groupArn },
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, fn), 'Arn'] }, ':*']] },
          Sid: 'InvokeTheDeployedFunction',
        },
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      ]));
      // Nothing else: the only Resource '*' is X-Ray's, which has no resource-level permissions.
      expect(statements).toHaveLength(4);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] },
        ManagedPolicyArns: Match.absent(),
      });
    }
  });

  test('the post-traffic hook may read only its base URL parameter', () => {
    const { template } = deploy({ postTrafficHook: { baseUrlParameterName: '/crosswalk/api-url', httpChecks: [{ path: '/version' }] } });

    expect(statementsOfRoleOf(template, hookResource(template, 'post-traffic-hook').props)).toContainEqual({
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-west-1:111111111111:parameter/crosswalk/api-url']] },
      Sid: 'ReadTheBaseUrlParameter',
    });
    const preStatements = statementsOfRoleOf(template, hookResource(template, 'pre-traffic-hook').props);
    expect(JSON.stringify(preStatements)).not.toContain('ssm:');
  });

  test('CodeDeploy may invoke only the two hooks', () => {
    const { stack, construct, template } = deploy();
    const roleId = stack.getLogicalId((construct.deploymentGroup.role as iam.Role).node.defaultChild as iam.CfnRole);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const hookArn = (id: string) => [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, ':*']] }];

    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: hookArn(hookResource(template, 'pre-traffic-hook').id) },
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: hookArn(hookResource(template, 'post-traffic-hook').id) },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'codedeploy.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited']] }],
    });
  });

  test('hooks can be turned off', () => {
    const { template, construct } = deploy({ enablePreTrafficHook: false, enablePostTrafficHook: false });

    expect(construct.preTrafficHook).toBeUndefined();
    expect(construct.postTrafficHook).toBeUndefined();
    // Only the deployed function is left.
    template.resourceCountIs('AWS::Lambda::Function', 1);
    const alias = Object.values(template.findResources('AWS::Lambda::Alias'))[0] as any;
    expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.BeforeAllowTrafficHook).toBeUndefined();
    expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.AfterAllowTrafficHook).toBeUndefined();
  });

  test('takes an existing CodeDeploy application and deployment role', () => {
    const { stack, fn } = stackWithFunction();
    const application = codedeploy.LambdaApplication.fromLambdaApplicationName(stack, 'App', 'checkin');
    const deploymentRole = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/checkin-codedeploy', { mutable: false });

    new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, application, deploymentRole });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::CodeDeploy::Application', 0);
    template.resourceCountIs('AWS::IAM::Role', 3); // the fixture's and the two hooks'
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      ApplicationName: 'checkin',
      ServiceRoleArn: 'arn:aws:iam::111111111111:role/checkin-codedeploy',
    });
  });

  test('takes a given version of the function', () => {
    const { stack, fn } = stackWithFunction();
    const version = new lambda.Version(stack, 'V1', { lambda: fn });

    new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, version });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Lambda::Alias', {
      FunctionVersion: { 'Fn::GetAtt': [stack.getLogicalId(version.node.defaultChild as lambda.CfnVersion), 'Version'] },
    });
    // currentVersion is not published on the side.
    template.resourceCountIs('AWS::Lambda::Version', 1);
  });

  test('three functions of one stack each get their own alias, group and hooks', () => {
    const { stack, fn } = stackWithFunction();
    new SafeLambdaDeploy(stack, 'DeployApi', { lambdaFunction: fn, trafficShift: TrafficShift.LINEAR_10_PERCENT_EVERY_1_MINUTE });
    new SafeLambdaDeploy(stack, 'DeployLocations', { lambdaFunction: apiFunction(stack, 'Locations') });
    new SafeLambdaDeploy(stack, 'DeployRegistrations', { lambdaFunction: apiFunction(stack, 'Registrations') });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::Lambda::Alias', 3);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 3);
    template.resourceCountIs('AWS::Lambda::Function', 3 + 6);
  });

  describe('an existing function, imported with a version published elsewhere', () => {
    function deployExisting(props: Omit<SafeLambdaDeployProps, 'lambdaFunction' | 'version'> = {}) {
      const { app, stack, fn, version } = stackWithExistingFunction();
      const construct = new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, version, ...props });
      return { app, stack, construct, template: Template.fromStack(stack) };
    }

    test('gets the live alias on the given version, and no version of its own', () => {
      const { construct, template } = deployExisting();

      template.resourceCountIs('AWS::Lambda::Version', 0);
      template.resourceCountIs('AWS::Lambda::Alias', 1);
      template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', FunctionName: 'checkin-api', FunctionVersion: '7' });
      expect(construct.version.functionArn).toBe(`${EXISTING_FUNCTION_ARN}:7`);
    });

    test('gets a deployment group that moves the alias, gated by both hooks and rolled back by the errors alarm', () => {
      const { stack, construct, template } = deployExisting({ trafficShift: TrafficShift.CANARY_10_PERCENT_5_MINUTES });
      const groupId = stack.getLogicalId(construct.deploymentGroup.node.defaultChild as codedeploy.CfnDeploymentGroup);
      const alarmId = stack.getLogicalId(construct.errorsAlarm!.node.defaultChild as cloudwatch.CfnAlarm);

      template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 1);
      template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: alarmId } }] },
      });
      template.hasResource('AWS::Lambda::Alias', {
        UpdatePolicy: {
          CodeDeployLambdaAliasUpdate: Match.objectLike({
            DeploymentGroupName: { Ref: groupId },
            BeforeAllowTrafficHook: { Ref: hookResource(template, 'pre-traffic-hook').id },
            AfterAllowTrafficHook: { Ref: hookResource(template, 'post-traffic-hook').id },
          }),
        },
      });
    });

    test('the hooks invoke exactly the given version and the alias, and may invoke only that function\'s versions and aliases', () => {
      const { template } = deployExisting();

      expect(hookResource(template, 'pre-traffic-hook').props.Environment.Variables[TARGET_ENV]).toBe(`${EXISTING_FUNCTION_ARN}:7`);
      expect(hookResource(template, 'post-traffic-hook').props.Environment.Variables[TARGET_ENV]).toBe(`${EXISTING_FUNCTION_ARN}:live`);
      for (const hook of ['pre-traffic-hook', 'post-traffic-hook'] as const) {
        const invokes = statementsOfRoleOf(template, hookResource(template, hook).props)
          .filter((statement) => JSON.stringify(statement.Action).includes('lambda:'));
        expect(invokes).toEqual([
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `${EXISTING_FUNCTION_ARN}:*`, Sid: 'InvokeTheDeployedFunction' },
        ]);
      }
    });

    test('the errors alarm counts the errors of the given version behind the alias', () => {
      const { template } = deployExisting();

      const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm'))[0] as any;
      expect(alarm.Properties.Dimensions).toHaveLength(3);
      expect(alarm.Properties.Dimensions).toEqual(expect.arrayContaining([
        { Name: 'FunctionName', Value: 'checkin-api' },
        { Name: 'Resource', Value: 'checkin-api:live' },
        { Name: 'ExecutedVersion', Value: '7' },
      ]));
    });

    test('takes a version whose ARN is read at deploy time, and still puts the alias on lambdaFunction', () => {
      const { stack, fn } = stackWithExistingFunction();
      const versionArn = ssm.StringParameter.valueForStringParameter(stack, '/Checkin/api-version-arn');
      const version = lambda.Version.fromVersionArn(stack, 'CurrentApiVersion', versionArn);

      new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, version });
      const template = Template.fromStack(stack);

      const [parameterId] = Object.keys(template.findParameters('*', { Default: '/Checkin/api-version-arn' }));
      const number = { 'Fn::Select': [7, { 'Fn::Split': [':', { Ref: parameterId }] }] };
      template.hasResourceProperties('AWS::Lambda::Alias', { FunctionName: 'checkin-api', FunctionVersion: number });
      expect(hookResource(template, 'pre-traffic-hook').props.Environment.Variables[TARGET_ENV])
        .toEqual({ 'Fn::Join': ['', [`${EXISTING_FUNCTION_ARN}:`, number]] });
    });
  });

  describe('fails with an actionable message', () => {
    const fails = (props: Omit<SafeLambdaDeployProps, 'lambdaFunction'>, message: RegExp) =>
      expect(() => deploy(props)).toThrow(message);

    test('fails on an alias name Lambda does not accept', () => {
      fails({ aliasName: 'live alias' }, /aliasName must be 1 to 128 letters, digits, '-' or '_' and not only digits, got 'live alias'/);
      fails({ aliasName: '42' }, /got '42'/);
    });

    test('fails on errors alarm settings CloudWatch does not accept', () => {
      fails({ errorsAlarmThreshold: 0 }, /errorsAlarmThreshold must be a whole number of errors, at least 1, got 0/);
      fails({ errorsAlarmEvaluationPeriods: 0 }, /errorsAlarmEvaluationPeriods must be a whole number, at least 1, got 0/);
      fails({ errorsAlarmPeriod: Duration.seconds(30) }, /errorsAlarmPeriod must be a whole number of minutes .* got 30 seconds/);
      fails({ errorsAlarmPeriod: Duration.hours(12), errorsAlarmEvaluationPeriods: 3 }, /at most one day .* got 12 hours × 3/);
    });

    test('fails on errors alarm settings while the alarm is off', () => {
      fails({ enableErrorsAlarm: false, errorsAlarmThreshold: 2 }, /errorsAlarm settings are given but enableErrorsAlarm is false; remove one of them/);
    });

    test('fails on hook options for a hook that is off', () => {
      fails({ enablePreTrafficHook: false, preTrafficHook: {} }, /preTrafficHook options are given but enablePreTrafficHook is false/);
      fails({ enablePostTrafficHook: false, postTrafficHook: {} }, /postTrafficHook options are given but enablePostTrafficHook is false/);
    });

    test('fails on hook timeouts that leave no time to report', () => {
      fails({ preTrafficHook: { timeout: Duration.seconds(10) } }, /preTrafficHook.timeout must be from 30 seconds to 15 minutes, got 10 seconds/);
      fails({ postTrafficHook: { timeout: Duration.minutes(1), checkTimeout: Duration.seconds(55) } },
        /postTrafficHook.checkTimeout must be from 1 second to the hook's timeout minus 10 seconds .* \(50 seconds\), got 55 seconds; shorten it or raise timeout/);
    });

    test('fails on a hook with nothing to check', () => {
      fails({ preTrafficHook: { invocations: [] } }, /preTrafficHook.invocations is empty, so the hook would check nothing/);
      fails({ postTrafficHook: { invocations: [] } }, /postTrafficHook has no checks .* set enablePostTrafficHook: false/);
    });

    test('fails on an expected status code that is not an HTTP status', () => {
      fails({ preTrafficHook: { invocations: [{ expectedStatusCode: 2000 }] } }, /preTrafficHook.invocations\[0\].expectedStatusCode must be an HTTP status code from 100 to 599, got 2000/);
      fails({ postTrafficHook: { baseUrl: 'https://api.example.com', httpChecks: [{ path: '/', expectedStatusCode: 0 }] } },
        /postTrafficHook.httpChecks\[0\].expectedStatusCode must be an HTTP status code from 100 to 599, got 0/);
    });

    test('fails on a response kind that is not one of InvocationResponseKind', () => {
      fails({ preTrafficHook: { invocations: [{ responseKind: 'api-gateway' as InvocationResponseKind }] } },
        /preTrafficHook.invocations\[0\].responseKind must be one of API_GATEWAY_PROXY, FUNCTION_URL, PLAIN, got 'api-gateway'/);
    });

    test('fails on a plain invocation expecting another status than 200, which it could never get', () => {
      fails({ postTrafficHook: { invocations: [{ event: { Records: [] }, responseKind: InvocationResponseKind.PLAIN, expectedStatusCode: 404 }] } },
        /postTrafficHook.invocations\[0\].expectedStatusCode is 404, but a PLAIN answer always counts as 200, so the check could never pass; .* use FUNCTION_URL or API_GATEWAY_PROXY/);
    });

    test('fails on an expected body text that is empty, which would check nothing', () => {
      fails({ preTrafficHook: { invocations: [{ expectedBodyContains: ['"version"', ''] }] } },
        /preTrafficHook.invocations\[0\].expectedBodyContains\[1\] is empty, so it checks nothing; remove it/);
      fails({ postTrafficHook: { baseUrl: 'https://api.example.com', httpChecks: [{ path: '/', expectedBodyContains: [''] }] } },
        /postTrafficHook.httpChecks\[0\].expectedBodyContains\[0\] is empty, so it checks nothing; remove it/);
    });

    test('fails on a test event JSON cannot carry to the hook', () => {
      const loop: Record<string, unknown> = { httpMethod: 'GET' };
      loop.self = loop;
      fails({ preTrafficHook: { invocations: [{ event: loop }] } }, /preTrafficHook.invocations\[0\].event must be JSON data \(the hook gets it as JSON\): .*circular/i);
      fails({ preTrafficHook: { invocations: [{ event: { count: 1n } }] } }, /preTrafficHook.invocations\[0\].event must be JSON data .*BigInt/);
    });

    test('fails on a relative HTTP check without a base URL', () => {
      fails({ postTrafficHook: { httpChecks: [{ path: '/version' }] } },
        /httpChecks\[0\].path '\/version' is relative but there is no base URL; set postTrafficHook.baseUrlParameterName/);
      fails({ postTrafficHook: { baseUrl: 'https://api.example.com', httpChecks: [{ path: 'version' }] } },
        /httpChecks\[0\].path must start with '\/' .* got 'version'/);
    });

    test('fails on a base URL given twice or malformed', () => {
      fails({ postTrafficHook: { baseUrl: 'https://api.example.com', baseUrlParameterName: '/api-url' } },
        /give either baseUrl \('https:\/\/api.example.com'\) or baseUrlParameterName \('\/api-url'\), not both/);
      fails({ postTrafficHook: { baseUrl: 'api.example.com' } }, /baseUrl must be an http:\/\/ or https:\/\/ URL, got 'api.example.com'/);
      fails({ postTrafficHook: { baseUrlParameterName: 'api url' } }, /baseUrlParameterName must be an SSM parameter name .* got 'api url'/);
    });

    test('fails on a base URL parameter name that is a token, which would make a dependency cycle', () => {
      const { stack, fn } = stackWithFunction();
      const name = new lambda.Function(stack, 'Other', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'i.h', code: lambda.Code.fromInline('x') }).functionName;

      expect(() => new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, postTrafficHook: { baseUrlParameterName: name } }))
        .toThrow(/baseUrlParameterName must be a literal parameter name, not a token: .* dependency cycle/);
    });

    test('fails on a version of another function', () => {
      const { stack, fn } = stackWithFunction();
      const other = apiFunction(stack, 'Other');

      expect(() => new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, version: other.currentVersion }))
        .toThrow(/version must be a version of lambdaFunction \(Service\/Api\), got a version of Service\/Other/);
    });

    test('fails on an imported function without a version, which has no currentVersion to publish', () => {
      const { stack, fn } = stackWithExistingFunction();

      expect(() => new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn }))
        .toThrow(/^Service\/Deploy: lambdaFunction 'Service\/Api' \(arn:aws:lambda:eu-west-1:111111111111:function:checkin-api\) is imported, so it has no currentVersion to publish: pass version: lambda\.Version\.fromVersionArn\(\.\.\.\) \(a version published by the stack that owns the function\), or pass the lambda\.Function itself/);
    });

    test('fails on a version of another existing function', () => {
      const { stack, fn } = stackWithExistingFunction();
      const other = lambda.Version.fromVersionArn(stack, 'OtherVersion', 'arn:aws:lambda:eu-west-1:111111111111:function:checkin-other:3');

      expect(() => new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, version: other }))
        .toThrow(/version must be a version of lambdaFunction \(arn:aws:lambda:eu-west-1:111111111111:function:checkin-api\), got a version of arn:aws:lambda:eu-west-1:111111111111:function:checkin-other; pass a version of arn:aws:lambda:eu-west-1:111111111111:function:checkin-api/);
    });

    test('fails on a version that is not a published version number, which CodeDeploy cannot shift to', () => {
      const published = /version must be a published version \(a number\), got '(.*)': CodeDeploy shifts the alias between published versions/;
      const imported = (versionArn: string) => {
        const { stack, fn, version } = stackWithExistingFunction(versionArn);
        return () => new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, version });
      };
      const { stack, fn } = stackWithFunction();

      expect(imported(`${EXISTING_FUNCTION_ARN}:$LATEST`)).toThrow(/got '\$LATEST'/);
      expect(imported(`${EXISTING_FUNCTION_ARN}:live`)).toThrow(published);
      expect(imported(`${EXISTING_FUNCTION_ARN}:live`)).toThrow(/got 'live'/);
      expect(() => new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, version: fn.latestVersion })).toThrow(published);
      expect(imported(EXISTING_FUNCTION_ARN)).toThrow(
        /version 'Service\/ApiVersion' has the ARN 'arn:aws:lambda:eu-west-1:111111111111:function:checkin-api', which names no version: give the ARN of a published version/);
    });

    test('fails on a function or version in another account or region than the stack', () => {
      const deployIn = (functionArn: string, versionArn: string) => {
        const { stack } = stackWithExistingFunction();
        const lambdaFunction = functionArn.includes(':')
          ? lambda.Function.fromFunctionArn(stack, 'Other', functionArn)
          : lambda.Function.fromFunctionName(stack, 'Other', functionArn);
        const version = lambda.Version.fromVersionArn(stack, 'OtherVersion', versionArn);
        return () => new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction, version });
      };

      expect(deployIn('arn:aws:lambda:eu-west-1:222222222222:function:checkin-api', 'arn:aws:lambda:eu-west-1:222222222222:function:checkin-api:7'))
        .toThrow(/lambdaFunction 'arn:aws:lambda:eu-west-1:222222222222:function:checkin-api' is in account 222222222222 \(this stack: 111111111111\): the alias and the CodeDeploy deployment group must be in the function's account and region; create the SafeLambdaDeploy in a stack there \(env: \{ account: '222222222222', region: 'eu-west-1' \}\)/);
      expect(deployIn('arn:aws:lambda:us-east-1:222222222222:function:checkin-api', 'arn:aws:lambda:us-east-1:222222222222:function:checkin-api:7'))
        .toThrow(/is in account 222222222222 \(this stack: 111111111111\) and region us-east-1 \(this stack: eu-west-1\): .* \(env: \{ account: '222222222222', region: 'us-east-1' \}\)/);
      expect(deployIn('checkin-api', 'arn:aws:lambda:us-east-1:111111111111:function:checkin-api:7'))
        .toThrow(/version 'arn:aws:lambda:us-east-1:111111111111:function:checkin-api:7' is in region us-east-1 \(this stack: eu-west-1\)/);
    });

    test('fails on a version or an alias as lambdaFunction, and on a function that is not imported by its function ARN', () => {
      const { stack, fn } = stackWithFunction();
      const imported = (arn: string) => () => {
        const { stack: other } = stackWithExistingFunction();
        new SafeLambdaDeploy(other, 'Deploy', { lambdaFunction: lambda.Function.fromFunctionArn(other, 'Other', arn), version: fn.currentVersion });
      };

      expect(() => new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn.currentVersion }))
        .toThrow(/lambdaFunction 'Service\/Api\/CurrentVersion' is a version or an alias of Service\/Api, not a function: pass the function itself as lambdaFunction and the version to deploy as version/);
      expect(imported(`${EXISTING_FUNCTION_ARN}:live`))
        .toThrow(/lambdaFunction 'Service\/Other' was imported with a qualified ARN \('arn:aws:lambda:eu-west-1:111111111111:function:checkin-api:live'\): import the function by its unqualified ARN \('arn:aws:lambda:eu-west-1:111111111111:function:checkin-api'\)/);
      expect(imported('arn:aws:sqs:eu-west-1:111111111111:checkin-queue'))
        .toThrow(/lambdaFunction 'Service\/Other' has the ARN 'arn:aws:sqs:eu-west-1:111111111111:checkin-queue', which is not a Lambda function ARN/);
    });

    test('fails when the checks do not fit in the hook\'s environment', () => {
      const event = { body: 'x'.repeat(4000) };
      fails({ preTrafficHook: { invocations: [{ event }] } }, /the checks take \d+ bytes .* 4096-byte limit .* use smaller test events or fewer checks/);
    });
  });
});
