import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { EXAMPLE_CONFIG, loadConfig } from '@crosswalk/build-account';
import { ServiceStackSynthesizer } from '@crosswalk/cross-account-role';
import { ROUTES } from '../../src/routes';
import { API_STAGE_NAME, SMOKE_CHECK_PATHS, SampleApiStack, simulateFailureTarget } from '../../src/stacks';
import { HandlerName } from '../../src/stacks/functions';
import { Synthesized, newCheckedApp, resourcesOf, synthesize, unacknowledgedFindings } from './synth';

const BUILD = { version: '1.2.3', commit: 'abc1234' };
const HANDLERS: HandlerName[] = ['version', 'locations', 'registrations'];
const config = loadConfig(undefined, {});

let synth: Synthesized;
let dev: SampleApiStack;
let prod: SampleApiStack;

beforeAll(() => {
  const app = newCheckedApp();
  dev = new SampleApiStack(app, { config, environmentName: 'dev', buildInfo: BUILD });
  prod = new SampleApiStack(app, { config, environmentName: 'prod', buildInfo: BUILD });
  synth = synthesize(app);
});

/** The build account's artifact bucket, by the naming convention. */
const artifactBucket = () => dev.naming.artifactBucketName(EXAMPLE_CONFIG.accounts.build);

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** The parsed config of a traffic hook function (its CROSSWALK_HOOK_CONFIG environment). */
function hookConfig(json: any, hookRef: { Ref: string }): any {
  return JSON.parse(json.Resources[hookRef.Ref].Properties.Environment.Variables.CROSSWALK_HOOK_CONFIG);
}

/** The alias resource of one of the stack's functions. */
function aliasOf(stack: SampleApiStack, handler: HandlerName): any {
  return synth.templateJson(stack).Resources[logicalId(stack, stack.deployments[handler].alias)];
}

describe('SampleApiStack', () => {
  test('has no cdk-nag AwsSolutions finding (nor template validation finding) that is not acknowledged with a reason', () => {
    expect(unacknowledgedFindings(synth.report)).toEqual([]);
    const nag = synth.report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(nag).toBeDefined();
    // Only these rules are acknowledged, each for the reason given in src/stacks/nag.ts
    // (or in SafeLambdaDeploy for its hooks); a new kind of finding fails this test.
    const acknowledged = new Set((nag!.suppressedViolations ?? []).map((v) => v.ruleName.replace(/\[.*$/, '')));
    expect([...acknowledged].sort()).toEqual([
      'AwsSolutions-APIG2', 'AwsSolutions-APIG3', 'AwsSolutions-APIG4', 'AwsSolutions-COG4',
      'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-L1',
    ]);
  });

  test('dev and prod deploy to their own accounts under the project prefix', () => {
    expect(dev.stackName).toBe('Crosswalk-SampleApi-dev');
    expect(prod.stackName).toBe('Crosswalk-SampleApi-prod');
    expect(dev.account).toBe('222222222222');
    expect(prod.account).toBe('333333333333');
    expect([dev.region, prod.region]).toEqual(['eu-west-1', 'eu-west-1']);
    expect(dev.stackName.startsWith(dev.naming.resourcePrefix)).toBe(true);
  });

  test('the Lambda code of every function (hooks included) is read from the build account\'s artifact bucket', () => {
    for (const stack of [dev, prod]) {
      const functions = resourcesOf(synth.templateJson(stack), 'AWS::Lambda::Function');
      expect(functions).toHaveLength(9); // 3 service functions + 2 hooks each
      for (const [, fn] of functions) {
        expect(fn.Properties.Code.S3Bucket).toBe(artifactBucket());
        // under the one prefix the execution roles may read
        expect(fn.Properties.Code.S3Key).toMatch(new RegExp(`^${dev.naming.assetsPrefix}[0-9a-f]{64}\\.zip$`));
      }
    }
  });

  test('the templates need no CDK bootstrap (no bootstrap version parameter or rule)', () => {
    for (const stack of [dev, prod]) {
      const json = synth.templateJson(stack);
      expect(json.Parameters?.BootstrapVersion).toBeUndefined();
      expect(json.Rules?.CheckBootstrapVersion).toBeUndefined();
      expect(JSON.stringify(json)).not.toMatch(/cdk-hnb659fds/);
    }
  });

  test('dev and prod use the package\'s ServiceStackSynthesizer, which refuses Docker image assets', () => {
    for (const stack of [dev, prod]) {
      expect(stack.synthesizer).toBeInstanceOf(ServiceStackSynthesizer);
      expect(() => stack.synthesizer.addDockerImageAsset({ sourceHash: 'abc', directoryName: 'image' }))
        .toThrow(new RegExp(`^stack '${stack.stackName}' deploys into a target account without CDK bootstrap, so it cannot have Docker image assets`));
    }
  });

  test('the assets manifest tells cdk-assets to publish each bundle to the artifact bucket with the caller\'s credentials', () => {
    const manifest = synth.assetsManifest(dev);
    const files = Object.values(manifest.files as Record<string, any>);
    const bundles = files.filter((file) => file.source.packaging === 'zip');
    expect(bundles).toHaveLength(5); // 3 service bundles + 2 hook bundles (the hooks of the 3 functions share them)
    for (const file of files) {
      for (const destination of Object.values(file.destinations as Record<string, any>)) {
        expect(destination.bucketName).toBe(artifactBucket());
        expect(destination.objectKey).toMatch(file.source.packaging === 'zip' ? /^assets\/[0-9a-f]{64}\.zip$/ : /^assets\/[0-9a-f]{64}\.json$/);
        expect(destination.assumeRoleArn).toBeUndefined();
      }
    }
    expect(manifest.dockerImages ?? {}).toEqual({});
  });

  describe('table', () => {
    test('pk/sk strings, on demand, point-in-time recovery, AWS-owned encryption', () => {
      for (const stack of [dev, prod]) {
        synth.template(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
          AttributeDefinitions: Match.arrayWith([
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ]),
          BillingMode: 'PAY_PER_REQUEST',
          // DynamoDB encrypts every table at rest; SSEEnabled false selects the AWS-owned key,
          // so neither the execution role nor the functions need any KMS permission.
          SSESpecification: { SSEEnabled: false },
          Replicas: [Match.objectLike({
            Region: 'eu-west-1',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          })],
        });
        synth.template(stack).resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      }
    });

    test('prod keeps its data: retained on stack deletion and deletion-protected', () => {
      synth.template(prod).hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] }),
      });
    });

    test('dev\'s table goes with its stack', () => {
      synth.template(dev).hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
      });
    });
  });

  describe('functions', () => {
    test.each(HANDLERS)('%s: Node 22, active tracing, its own log group with the environment\'s retention', (handler) => {
      for (const [stack, days] of [[dev, 14], [prod, 365]] as const) {
        const json = synth.templateJson(stack);
        const fn = json.Resources[logicalId(stack, stack.functions[handler])].Properties;
        expect(fn.Runtime).toBe('nodejs22.x');
        expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
        const logGroup = json.Resources[fn.LoggingConfig.LogGroup.Ref];
        expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
        expect(logGroup.Properties.RetentionInDays).toBe(days);
      }
    });

    test('the environment carries the version, the commit, the environment name and (for data functions) the table', () => {
      for (const [stack, environment] of [[dev, 'dev'], [prod, 'prod']] as const) {
        const json = synth.templateJson(stack);
        const tableRef = { Ref: logicalId(stack, stack.table) };
        const env = (h: HandlerName) => json.Resources[logicalId(stack, stack.functions[h])].Properties.Environment.Variables;
        expect(env('version')).toEqual({ APP_VERSION: '1.2.3', APP_COMMIT: 'abc1234', APP_ENVIRONMENT: environment });
        for (const h of ['locations', 'registrations'] as const) {
          expect(env(h)).toEqual({ APP_VERSION: '1.2.3', APP_COMMIT: 'abc1234', APP_ENVIRONMENT: environment, TABLE_NAME: tableRef });
        }
      }
    });

    test('each function has its own role with exactly the table actions its handler uses', () => {
      const json = synth.templateJson(prod);
      const actionsOf = (h: HandlerName): string[] => {
        const roleId = json.Resources[logicalId(prod, prod.functions[h])].Properties.Role['Fn::GetAtt'][0];
        const policies = resourcesOf(json, 'AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
        return policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
          .flatMap((s: any) => [].concat(s.Action))
          .filter((a: string) => a.startsWith('dynamodb:'))
          .sort();
      };
      expect(actionsOf('version')).toEqual([]);
      expect(actionsOf('locations')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
      expect(actionsOf('registrations')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
      const roles = new Set(HANDLERS.map((h) => json.Resources[logicalId(prod, prod.functions[h])].Properties.Role['Fn::GetAtt'][0]));
      expect(roles.size).toBe(3);
    });

    test('no policy grants anything on "*" but the X-Ray actions that have no resource-level permissions', () => {
      for (const stack of [dev, prod]) {
        for (const [, policy] of resourcesOf(synth.templateJson(stack), 'AWS::IAM::Policy')) {
          for (const statement of policy.Properties.PolicyDocument.Statement) {
            expect([].concat(statement.Action)).not.toContain('*');
            if ([].concat(statement.Resource).includes('*' as never)) {
              expect([].concat(statement.Action).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
            }
          }
        }
      }
    });

    test('every role the stack creates carries the convention\'s permissions boundary', () => {
      for (const stack of [dev, prod]) {
        const roles = resourcesOf(synth.templateJson(stack), 'AWS::IAM::Role');
        expect(roles.length).toBeGreaterThanOrEqual(3 + 3 * 2 + 3 + 1); // functions, hooks, CodeDeploy, API Gateway logging
        for (const [, role] of roles) {
          expect(role.Properties.PermissionsBoundary).toEqual({
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${stack.account}:policy/Crosswalk-eu-west-1-PermissionsBoundary`]],
          });
        }
      }
    });
  });

  describe('safe deployments', () => {
    test.each(HANDLERS)('%s: the API calls a `live` alias that CodeDeploy moves with both hooks', (handler) => {
      for (const stack of [dev, prod]) {
        const alias = aliasOf(stack, handler);
        expect(alias.Properties.Name).toBe('live');
        expect(alias.Properties.FunctionName).toEqual({ Ref: logicalId(stack, stack.functions[handler]) });
        const update = alias.UpdatePolicy.CodeDeployLambdaAliasUpdate;
        expect(update.DeploymentGroupName).toEqual({ Ref: logicalId(stack, stack.deployments[handler].deploymentGroup) });
        expect(update.BeforeAllowTrafficHook).toEqual({ Ref: expect.any(String) });
        expect(update.AfterAllowTrafficHook).toEqual({ Ref: expect.any(String) });
      }
    });

    test('dev shifts all at once, prod 10 % every minute, both roll back on failure and alarm', () => {
      for (const [stack, config] of [[dev, 'CodeDeployDefault.LambdaAllAtOnce'], [prod, 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute']] as const) {
        const groups = resourcesOf(synth.templateJson(stack), 'AWS::CodeDeploy::DeploymentGroup');
        expect(groups).toHaveLength(3);
        for (const [, group] of groups) {
          expect(group.Properties.DeploymentConfigName).toBe(config);
          expect(group.Properties.AutoRollbackConfiguration).toEqual({
            Enabled: true,
            Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
          });
        }
      }
    });

    test('every deployment group rolls back on the API\'s 5XX alarm and on its own function\'s errors', () => {
      for (const stack of [dev, prod]) {
        const json = synth.templateJson(stack);
        const api5xx = { Name: { Ref: logicalId(stack, stack.apiServerErrorsAlarm) } };
        for (const handler of HANDLERS) {
          const group = json.Resources[logicalId(stack, stack.deployments[handler].deploymentGroup)].Properties;
          expect(group.AlarmConfiguration.Enabled).toBe(true);
          expect(group.AlarmConfiguration.Alarms).toEqual(expect.arrayContaining([
            api5xx,
            { Name: { Ref: logicalId(stack, stack.deployments[handler].errorsAlarm as any) } },
          ]));
        }
      }
    });

    test('the 5XX alarm watches the stage by literal names, with the environment\'s threshold', () => {
      synth.template(prod).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
        Dimensions: Match.arrayWith([
          { Name: 'ApiName', Value: 'Crosswalk-SampleApi-prod' },
          { Name: 'Stage', Value: API_STAGE_NAME },
        ]),
        Statistic: 'Sum',
        Period: 60,
        Threshold: EXAMPLE_CONFIG.environments.prod.alarms.api5xxErrors,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      synth.template(prod).hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'Crosswalk-SampleApi-prod' });
    });

    test('the pre-traffic hook sends GET /version to the new version: 200 with this commit from the version function, 404 from the data functions', () => {
      const json = synth.templateJson(dev);
      for (const handler of HANDLERS) {
        const config = hookConfig(json, aliasOf(dev, handler).UpdatePolicy.CodeDeployLambdaAliasUpdate.BeforeAllowTrafficHook);
        expect(config.invocations).toHaveLength(1);
        const [invocation] = config.invocations;
        expect(invocation.event).toMatchObject({ httpMethod: 'GET', path: '/version', resource: '/version' });
        if (handler === 'version') {
          expect(invocation.expectedStatusCode).toBe(200);
          expect(invocation.expectedBodyContains).toEqual(['"commit":"abc1234"']);
        } else {
          expect(invocation.expectedStatusCode).toBe(404);
          expect(invocation.expectedBodyContains).toEqual([]);
        }
      }
    });

    test('the post-traffic hook smoke-checks the API through the URL the stack writes to SSM', () => {
      const json = synth.templateJson(dev);
      const parameterName = '/Crosswalk-SampleApi-dev/api-url';
      synth.template(dev).hasResourceProperties('AWS::SSM::Parameter', {
        Name: parameterName,
        Type: 'String',
        Value: { 'Fn::Join': ['', Match.arrayWith([{ Ref: logicalId(dev, dev.api) }])] },
      });
      for (const handler of HANDLERS) {
        const config = hookConfig(json, aliasOf(dev, handler).UpdatePolicy.CodeDeployLambdaAliasUpdate.AfterAllowTrafficHook);
        expect(config.baseUrlParameterName).toBe(parameterName);
        expect(config.httpChecks.map((c: any) => [c.path, c.expectedStatusCode])).toEqual(SMOKE_CHECK_PATHS.map((p) => [p, 200]));
        expect(config.invocations).toEqual([]);
      }
    });
  });

  describe('API', () => {
    test('one resource per path of ROUTES, ANY to the live alias of the path\'s function, nothing else', () => {
      for (const stack of [dev, prod]) {
        const json = synth.templateJson(stack);
        const pathOf = (resourceId: string): string => {
          const resource = json.Resources[resourceId];
          const parent = resource.Properties.ParentId;
          const prefix = parent['Fn::GetAtt'] ? '' : pathOf(parent.Ref);
          return `${prefix}/${resource.Properties.PathPart}`;
        };
        const aliasIds = Object.fromEntries(HANDLERS.map((h) => [logicalId(stack, stack.deployments[h].alias), h]));
        const methods = resourcesOf(json, 'AWS::ApiGateway::Method').map(([, m]) => {
          const uriParts = JSON.stringify(m.Properties.Integration.Uri);
          const handler = Object.entries(aliasIds).find(([id]) => uriParts.includes(`"Ref":"${id}"`))?.[1];
          return { path: pathOf(m.Properties.ResourceId.Ref), method: m.Properties.HttpMethod, type: m.Properties.Integration.Type, handler };
        });
        const expected = [...new Map(ROUTES.map((r) => [r.path, { path: r.path, method: 'ANY', type: 'AWS_PROXY', handler: r.handler }])).values()];
        expect(methods.sort((a, b) => a.path.localeCompare(b.path))).toEqual(expected.sort((a, b) => a.path.localeCompare(b.path)));
      }
    });

    test('only API Gateway, for this API\'s own methods, may invoke the aliases', () => {
      const json = synth.templateJson(dev);
      const permissions = resourcesOf(json, 'AWS::Lambda::Permission');
      const aliasIds = HANDLERS.map((h) => logicalId(dev, dev.deployments[h].alias));
      const apiPermissions = permissions.filter(([, p]) => aliasIds.includes(p.Properties.FunctionName.Ref));
      expect(apiPermissions).toHaveLength(new Set(ROUTES.map((r) => r.path)).size);
      for (const [, permission] of apiPermissions) {
        expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
        expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`"Ref":"${logicalId(dev, dev.api)}"`);
        const sourceArn = JSON.stringify(permission.Properties.SourceArn);
        expect(sourceArn).toContain(`{"Ref":"${logicalId(dev, dev.api.deploymentStage)}"},"/*/`);
        expect(sourceArn).not.toMatch(/execute-api:[^"]*"\*"|\/\*\/\*"/);
      }
    });

    test('the stage throttles per the config, traces, and writes JSON access logs to its log group', () => {
      for (const [stack, env] of [[dev, 'dev'], [prod, 'prod']] as const) {
        const throttling = EXAMPLE_CONFIG.environments[env].throttling;
        const json = synth.templateJson(stack);
        const [[, stage]] = resourcesOf(json, 'AWS::ApiGateway::Stage');
        expect(stage.Properties.StageName).toBe(API_STAGE_NAME);
        expect(stage.Properties.TracingEnabled).toBe(true);
        expect(stage.Properties.MethodSettings).toEqual([expect.objectContaining({
          HttpMethod: '*', ResourcePath: '/*',
          ThrottlingRateLimit: throttling.rateLimit, ThrottlingBurstLimit: throttling.burstLimit,
          LoggingLevel: 'ERROR', MetricsEnabled: true, DataTraceEnabled: false,
        })]);
        const destination = stage.Properties.AccessLogSetting.DestinationArn['Fn::GetAtt'][0];
        expect(json.Resources[destination].Type).toBe('AWS::Logs::LogGroup');
        expect(JSON.parse(stage.Properties.AccessLogSetting.Format)).toMatchObject({ status: '$context.status', resourcePath: '$context.resourcePath' });
      }
    });

    test('an unknown path answers 404 with a JSON message instead of API Gateway\'s 403', () => {
      synth.template(dev).hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
        StatusCode: '404',
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp('^\\{"message":"no such route; this API serves /version, /locations, /locations/\\{id\\}, /registrations"\\}$') },
      });
    });

    test('outputs ApiUrl, the stage URL the test suites read as API_URL', () => {
      const output = synth.templateJson(dev).Outputs.ApiUrl;
      expect(output.Value['Fn::Join'][1]).toEqual(['https://', { Ref: logicalId(dev, dev.api) }, '.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: logicalId(dev, dev.api.deploymentStage) }, '/']);
      synth.template(dev).hasResourceProperties('AWS::ApiGateway::Stage', { StageName: API_STAGE_NAME });
    });

    test('the environment stacks set up API Gateway\'s logging role for their account', () => {
      for (const stack of [dev, prod]) {
        synth.template(stack).resourceCountIs('AWS::ApiGateway::Account', 1);
      }
    });
  });
});

// The variants of the stack: the rollback demo, an isolated copy, and props that fail. They
// share this file with the dev and prod stacks (they were variants.test.ts) because every test
// file that synthesizes with aws-cdk-lib's built-in CloudFormation template validation, as
// these do (their assertions read every finding of the validation report), compiles its
// WebAssembly module anew: about 2.5 s a file.

function environmentOf(synth: Synthesized, stack: SampleApiStack, handler: HandlerName): Record<string, unknown> {
  return synth.templateJson(stack).Resources[logicalId(stack, stack.functions[handler])].Properties.Environment.Variables;
}

function preTrafficInvocation(synth: Synthesized, stack: SampleApiStack, handler: HandlerName): any {
  const json = synth.templateJson(stack);
  const alias = json.Resources[logicalId(stack, stack.deployments[handler].alias)];
  const hook = json.Resources[alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.BeforeAllowTrafficHook.Ref];
  return JSON.parse(hook.Properties.Environment.Variables.CROSSWALK_HOOK_CONFIG).invocations[0];
}

describe('the rollback demo (simulateFailure)', () => {
  let synth: Synthesized;
  let dev: SampleApiStack;
  let prod: SampleApiStack;
  beforeAll(() => {
    const app = newCheckedApp();
    dev = new SampleApiStack(app, { config, environmentName: 'dev', buildInfo: BUILD });
    prod = new SampleApiStack(app, { config, environmentName: 'prod', buildInfo: BUILD, simulateFailure: true });
    synth = synthesize(app);
  });

  test('breaks only the data functions of the named stack; /version keeps working', () => {
    expect(environmentOf(synth, prod, 'locations').SIMULATE_FAILURE).toBe('true');
    expect(environmentOf(synth, prod, 'registrations').SIMULATE_FAILURE).toBe('true');
    expect(environmentOf(synth, prod, 'version').SIMULATE_FAILURE).toBeUndefined();
    for (const handler of HANDLERS) {
      expect(environmentOf(synth, dev, handler).SIMULATE_FAILURE).toBeUndefined();
    }
  });

  test('the broken data functions pass the pre-traffic hook (which expects the simulated 500), so the alarms roll them back under traffic', () => {
    for (const handler of ['locations', 'registrations'] as const) {
      expect(preTrafficInvocation(synth, prod, handler)).toMatchObject({ expectedStatusCode: 500, expectedBodyContains: ['SIMULATE_FAILURE'] });
      expect(preTrafficInvocation(synth, dev, handler)).toMatchObject({ expectedStatusCode: 404, expectedBodyContains: [] });
    }
    expect(preTrafficInvocation(synth, prod, 'version')).toMatchObject({ expectedStatusCode: 200 });
  });

  test('still passes cdk-nag', () => {
    expect(unacknowledgedFindings(synth.report)).toEqual([]);
  });
});

describe('simulateFailureTarget', () => {
  test('is off unless asked for', () => {
    expect(simulateFailureTarget(undefined)).toBeUndefined();
  });

  test('names one environment or the isolated copy', () => {
    expect(simulateFailureTarget('prod')).toBe('prod');
    expect(simulateFailureTarget('alice', 'alice')).toBe('alice');
  });

  test('fails on anything else, listing what may be named', () => {
    expect(() => simulateFailureTarget('production')).toThrow(
      "simulateFailureIn must name one stack to break for the rollback demo ('dev', 'prod'), got 'production'; for example -c simulateFailureIn=prod, or leave it out to ship working code",
    );
    expect(() => simulateFailureTarget('bob', 'alice')).toThrow(/\('dev', 'prod', 'alice'\), got 'bob'/);
  });
});

describe('an isolated copy', () => {
  let synth: Synthesized;
  let alice: SampleApiStack;
  let bob: SampleApiStack;
  beforeAll(() => {
    const app = newCheckedApp();
    alice = new SampleApiStack(app, { config, environmentName: 'dev', isolatedPrefix: 'alice', buildInfo: BUILD });
    bob = new SampleApiStack(app, { config, environmentName: 'dev', isolatedPrefix: 'bob', isolatedAssetsBucket: 'bobs-dev-bucket', buildInfo: BUILD });
    synth = synthesize(app);
  });

  test('is its own stack in the dev account, under the project prefix, with its own table that goes with it', () => {
    expect(alice.stackName).toBe('Crosswalk-alice-SampleApi');
    expect(alice.account).toBe(config.accounts.dev);
    synth.template(alice).resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    synth.template(alice).hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    synth.template(alice).hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'Crosswalk-alice-SampleApi' });
    synth.template(alice).hasResourceProperties('AWS::SSM::Parameter', { Name: '/Crosswalk-alice-SampleApi/api-url' });
  });

  test('reports its prefix as the environment and deploys like dev (all at once)', () => {
    expect(environmentOf(synth, alice, 'version').APP_ENVIRONMENT).toBe('alice');
    for (const [, group] of resourcesOf(synth.templateJson(alice), 'AWS::CodeDeploy::DeploymentGroup')) {
      expect(group.Properties.DeploymentConfigName).toBe('CodeDeployDefault.LambdaAllAtOnce');
    }
  });

  test('leaves the account-wide API Gateway logging role to the dev stack', () => {
    synth.template(alice).resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  test('uses the dev account\'s CDK bootstrap by default', () => {
    const json = synth.templateJson(alice);
    expect(json.Parameters.BootstrapVersion).toBeDefined();
    const [, fn] = resourcesOf(json, 'AWS::Lambda::Function')[0];
    expect(JSON.stringify(fn.Properties.Code.S3Bucket)).toContain('cdk-hnb659fds-assets-222222222222-eu-west-1');
  });

  test('or a bucket of the caller\'s, with no bootstrap at all', () => {
    const json = synth.templateJson(bob);
    expect(json.Parameters?.BootstrapVersion).toBeUndefined();
    for (const [, fn] of resourcesOf(json, 'AWS::Lambda::Function')) {
      expect(fn.Properties.Code.S3Bucket).toBe('bobs-dev-bucket');
      expect(fn.Properties.Code.S3Key).toMatch(/^assets\/bob\/[0-9a-f]{64}\.zip$/);
    }
  });

  test('passes cdk-nag', () => {
    expect(unacknowledgedFindings(synth.report)).toEqual([]);
  });
});

describe('bad props fail at synth time', () => {
  test('fails on an isolated prefix that cannot be part of a stack name', () => {
    expect(() => new SampleApiStack(new App(), { config, environmentName: 'dev', isolatedPrefix: 'Alice Smith', buildInfo: BUILD })).toThrow(
      "isolatedPrefix must be 1-16 lower-case letters and digits starting with a letter (it becomes part of the stack name and of every resource name), got 'Alice Smith'; use your user name, e.g. -c isolated=alice",
    );
  });

  test('fails on a config built in code that does not validate, with every problem', () => {
    const bad = { ...config, accounts: { ...config.accounts, prod: config.accounts.dev }, region: 'eu-west-9' };
    expect(() => new SampleApiStack(new App(), { config: bad, environmentName: 'dev', buildInfo: BUILD })).toThrow(
      /^The Crosswalk config \(given to SampleApiStack\) has 2 problems:\n {2}- region must be a real AWS region name, got 'eu-west-9'.*\n {2}- accounts\.dev and accounts\.prod are both '222222222222'/,
    );
  });

  test('fails on an isolated copy in prod', () => {
    expect(() => new SampleApiStack(new App(), { config, environmentName: 'prod', isolatedPrefix: 'alice', buildInfo: BUILD }))
      .toThrow("an isolated copy runs in the dev account only, got environmentName 'prod'; use environmentName 'dev'");
  });

  test('fails on an assets bucket for a non-isolated stack', () => {
    expect(() => new SampleApiStack(new App(), { config, environmentName: 'dev', isolatedAssetsBucket: 'x-bucket', buildInfo: BUILD }))
      .toThrow(/isolatedAssetsBucket applies to an isolated copy only .* got 'x-bucket' without an isolatedPrefix/);
  });
});
