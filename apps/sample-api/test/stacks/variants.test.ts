import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { loadConfig } from '@crosswalk/build-account';
import { SampleApiStack, simulateFailureTarget } from '../../src/stacks';
import { HandlerName } from '../../src/stacks/functions';
import { Synthesized, newCheckedApp, resourcesOf, synthesize, unacknowledgedFindings } from './synth';

const BUILD = { version: '1.2.3', commit: 'abc1234' };
const HANDLERS: HandlerName[] = ['version', 'locations', 'registrations'];
const config = loadConfig(undefined, {});

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

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
