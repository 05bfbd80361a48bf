import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { App, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '@crosswalk/build-account';
import { SampleApiStack } from '../../src/stacks';
import { HandlerName } from '../../src/stacks/functions';

/**
 * The pre-traffic hooks' checks, as synthesized, run against the real handler modules
 * with the environment the stack gives each function: a check that the code cannot pass
 * would stop every deployment, and one that the rollback demo's code passes only by
 * accident would hide the demo's point.
 */
const HANDLERS: HandlerName[] = ['version', 'locations', 'registrations'];
const BUILD = { version: '1.2.3', commit: 'abc1234' };

interface Case {
  readonly label: string;
  readonly handler: HandlerName;
  readonly environment: Record<string, string>;
  readonly invocation: { event: APIGatewayProxyEvent; expectedStatusCode: number; expectedBodyContains: string[] };
}

function casesOf(stack: SampleApiStack, label: string): Case[] {
  const json = Template.fromStack(stack).toJSON();
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  return HANDLERS.map((handler) => {
    const variables = json.Resources[id(stack.functions[handler])].Properties.Environment.Variables;
    const environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : `${k.toLowerCase()}-from-the-stack`]));
    const alias = json.Resources[id(stack.deployments[handler].alias)];
    const hook = json.Resources[alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.BeforeAllowTrafficHook.Ref];
    const [invocation] = JSON.parse(hook.Properties.Environment.Variables.CROSSWALK_HOOK_CONFIG).invocations;
    return { label, handler, environment, invocation };
  });
}

// No bundling: only the hooks' configuration and the functions' environment matter here.
// Nor aws-cdk-lib's built-in CloudFormation template validation: this test reads no validation
// report, where the validation only writes warnings (it fails no synth without the
// @aws-cdk/core:validateAgainstDefaultRules flag), and it costs ~2.5 s to load.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
const config = loadConfig(undefined, {});
const dev = new SampleApiStack(app, { config, environmentName: 'dev', buildInfo: BUILD });
const demo = new SampleApiStack(app, { config, environmentName: 'prod', buildInfo: BUILD, simulateFailure: true });
const cases = [...casesOf(dev, 'dev'), ...casesOf(demo, 'prod in the rollback demo')];

describe('pre-traffic checks against the real handlers', () => {
  const saved = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  // The simulated failures are logged as errors by the handlers, as they would be in Lambda.
  beforeEach(() => { jest.spyOn(console, 'error').mockImplementation(() => undefined); });
  afterEach(() => {
    process.env = { ...saved };
    jest.restoreAllMocks();
  });

  test.each(cases.map((c) => [c.label, c.handler, c] as const))('%s: the new %s function passes its pre-traffic check', async (_label, _handler, c) => {
    Object.assign(process.env, {
      ...c.environment,
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    let handler!: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = require(`../../src/handlers/${c.handler}`).handler;
    });

    const response = await handler(c.invocation.event);

    expect(response.statusCode).toBe(c.invocation.expectedStatusCode);
    for (const text of c.invocation.expectedBodyContains) {
      expect(response.body).toContain(text);
    }
  });

  test('in the rollback demo the data functions really fail their own routes while /version works', async () => {
    const demo = cases.filter((c) => c.label !== 'dev');
    for (const c of demo) {
      process.env = { ...saved, ...c.environment, POWERTOOLS_TRACE_ENABLED: 'false', AWS_REGION: 'eu-west-1' };
      let handler!: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        handler = require(`../../src/handlers/${c.handler}`).handler;
      });
      const path = c.handler === 'version' ? '/version' : `/${c.handler}`;
      const event = { ...c.invocation.event, path, resource: path, requestContext: { ...c.invocation.event.requestContext, resourcePath: path } };
      const response = await handler(event);
      expect([c.handler, response.statusCode]).toEqual([c.handler, c.handler === 'version' ? 200 : 500]);
    }
  });
});
